// Small dense linear algebra over row-major Float64Array matrices: the Newton solver's d×d
// systems and the demo data's covariance factors. Sizes are tiny (tens of features), so
// plain loops beat anything clever.

/**
 * Lower-triangular Cholesky factor L of a symmetric positive-definite n×n matrix, A = L·Lᵀ
 * (Golub & Van Loan, Matrix Computations, Algorithm 4.2.1). Only A's lower triangle is read.
 */
export function factorCholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diagonal = a[j * n + j];
    for (let k = 0; k < j; k++) diagonal -= l[j * n + k] * l[j * n + k];
    if (!(diagonal > 0)) throw new RangeError(`matrix is not positive definite (pivot ${j} is ${diagonal})`);
    const root = Math.sqrt(diagonal);
    l[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let sum = a[i * n + j];
      for (let k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = sum / root;
    }
  }
  return l;
}

/** Solves L·Lᵀ·x = b by forward then back substitution, given the Cholesky factor L. */
export function solveCholesky(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let sum = x[i];
    for (let k = 0; k < i; k++) sum -= l[i * n + k] * x[k];
    x[i] = sum / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = x[i];
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k];
    x[i] = sum / l[i * n + i];
  }
  return x;
}
