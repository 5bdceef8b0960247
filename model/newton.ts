// Primal Newton solver for the squared-hinge linear SVM. The objective is piecewise quadratic and
// once differentiable, so Newton steps with the generalised Hessian converge in a handful of
// iterations (Keerthi & DeCoste, "A Modified Finite Newton Method for Fast Solution of Large Scale
// Linear SVMs", JMLR 2005; Chapelle, "Training a Support Vector Machine in the Primal", 2007).
// The Hessian is a dense (d+1)×(d+1) matrix: right for the dense, low-dimensional data we serve.
import { factorCholesky, solveCholesky } from "./linear-algebra.ts";
import type { SolverOutcome, SvmProblem } from "./svm-problem.ts";

const ARMIJO = 0.01;
const MAX_HALVINGS = 40;

/**
 * Minimises ½‖w̃‖² + Σ Cᵢ·max(0, 1 − yᵢ·w̃·x̃ᵢ)² by Newton steps with a backtracking (Armijo) line
 * search (Nocedal & Wright, Numerical Optimization, §3.1). The generalised Hessian is
 * I + 2·Σ_{active} Cᵢ·x̃ᵢx̃ᵢᵀ, active meaning a positive slack. Stops when ‖∇f‖ ≤ tol·‖∇f(0)‖.
 */
export function solveNewton(problem: SvmProblem): SolverOutcome {
  const { x, n, d, sign, cost, tol, maxIter } = problem;
  const p = d + 1;
  const w = new Float64Array(p);
  const margins = new Float64Array(n);
  const along = new Float64Array(n);
  const gradient = new Float64Array(p);
  const hessian = new Float64Array(p * p);
  // Rows in the Hessian now: after the first pass only rows that enter or leave the active set
  // change it (Keerthi & DeCoste §3), a few percent of the rows per Newton step, which halves the
  // time of a fit. Taking a row out leaves a rounding residue of ε·|x|² in the Hessian: nothing
  // for standardised features, and it only shapes the step, while the gradient, which decides
  // convergence, is computed afresh at every step.
  const inHessian = new Uint8Array(n);
  for (let j = 0; j < p; j++) hessian[j * p + j] = 1;
  let initialNorm = -1;
  let iterations = 0;
  let converged = false;

  for (;;) {
    accumulateDerivatives(problem, w, margins, gradient, hessian, inHessian);
    const norm = Math.sqrt(dotProduct(gradient, gradient));
    if (initialNorm < 0) initialNorm = norm;
    if (norm <= tol * initialNorm) {
      converged = true;
      break;
    }
    if (iterations >= maxIter) break;

    const direction = solveCholesky(
      factorCholesky(hessian, p),
      gradient.map((g) => -g),
      p,
    );
    for (let i = 0; i < n; i++) {
      let change = direction[d];
      for (let j = 0; j < d; j++) change += direction[j] * x[i * d + j];
      along[i] = change;
    }
    const slope = dotProduct(gradient, direction);
    const ww = dotProduct(w, w);
    const ws = dotProduct(w, direction);
    const ss = dotProduct(direction, direction);
    const objectiveAt = (t: number): number => {
      let total = 0.5 * (ww + 2 * t * ws + t * t * ss);
      for (let i = 0; i < n; i++) {
        const slack = 1 - sign[i] * (margins[i] + t * along[i]);
        if (slack > 0) total += cost[i] * slack * slack;
      }
      return total;
    };
    const start = objectiveAt(0);
    let t = 1;
    let halvings = 0;
    while (objectiveAt(t) > start + ARMIJO * t * slope && halvings < MAX_HALVINGS) {
      t *= 0.5;
      halvings++;
    }
    if (halvings === MAX_HALVINGS) break; // no descent left at machine precision
    for (let j = 0; j < p; j++) w[j] += t * direction[j];
    for (let i = 0; i < n; i++) margins[i] += t * along[i];
    iterations++;
  }
  return { w, iterations, converged };
}

/**
 * The gradient at w̃, given its margins w̃·x̃ᵢ, and the lower triangle of the generalised Hessian
 * brought up to date: a row whose slack turned positive is added, one whose slack vanished is
 * taken out (`inHessian` says which rows it holds).
 */
function accumulateDerivatives(
  problem: SvmProblem,
  w: Float64Array,
  margins: Float64Array,
  gradient: Float64Array,
  hessian: Float64Array,
  inHessian: Uint8Array,
): void {
  const { x, n, d, sign, cost } = problem;
  const p = d + 1;
  gradient.set(w);
  const biasRow = d * p;
  for (let i = 0; i < n; i++) {
    const slack = 1 - sign[i] * margins[i];
    const active = slack > 0 ? 1 : 0;
    const offset = i * d;
    if (active === 1) {
      const g = -2 * cost[i] * sign[i] * slack;
      for (let j = 0; j < d; j++) gradient[j] += g * x[offset + j];
      gradient[d] += g;
    }
    if (active === inHessian[i]) continue;
    inHessian[i] = active;
    const h = active === 1 ? 2 * cost[i] : -2 * cost[i];
    for (let j = 0; j < d; j++) {
      const hxj = h * x[offset + j];
      const row = j * p;
      for (let k = 0; k <= j; k++) hessian[row + k] += hxj * x[offset + k];
      hessian[biasRow + j] += hxj;
    }
    hessian[biasRow + d] += h;
  }
}

function dotProduct(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j] * b[j];
  return sum;
}
