// Platt scaling: turns SVM margins into probabilities with a sigmoid fitted on held-out margins
// (Platt, "Probabilistic outputs for support vector machines", 1999). The fit follows Lin, Lin &
// Weng, "A note on Platt's probabilistic outputs for support vector machines" (Machine Learning
// 68, 2007): Newton's method with backtracking on the cross-entropy, which is convex in (a, b),
// with every log(1 + exp(·)) evaluated so that it cannot overflow.

/** P(y = 1 | m) = 1 / (1 + exp(a·m + b)); a < 0 when larger margins mean class 1. */
export type PlattParams = { readonly a: number; readonly b: number };

export type PlattFit = PlattParams & {
  /** Newton steps taken; 0 when the starting point already satisfies the stopping rule. */
  readonly iterations: number;
};

// The constants of Lin et al.'s pseudo-code (their Appendix): iteration cap, smallest step,
// the ridge that keeps the Hessian positive definite, and the gradient tolerance.
const MAX_ITERATIONS = 100;
const MIN_STEP = 1e-10;
const SIGMA = 1e-12;
const EPSILON = 1e-5;
const ARMIJO = 1e-4;

/**
 * Fits Platt's sigmoid to margins and 0/1 labels by Lin, Lin & Weng's (2007) Newton method with
 * backtracking. Targets are Platt's smoothed (N₊+1)/(N₊+2) for class 1 and 1/(N₋+2) for class 0,
 * so separable data and a single class still give finite a and b. Throws a RangeError on lengths
 * that differ, a label other than 0/1 or a non-finite margin.
 */
export function fitPlatt(margins: ArrayLike<number>, labels: ArrayLike<number>): PlattFit {
  const n = margins.length;
  if (labels.length !== n) throw new RangeError(`${n} margins against ${labels.length} labels`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`row ${i}: label ${labels[i]} is not 0 or 1`);
    if (!Number.isFinite(margins[i])) throw new RangeError(`row ${i}: margin ${margins[i]} is not finite`);
    positives += labels[i];
  }
  const negatives = n - positives;
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  const targets = Float64Array.from({ length: n }, (_, i) => (labels[i] === 1 ? high : low));
  // Lin et al.'s stopping rule |∇| < 1e-5 is absolute: margins of 1e-6 would stop at a = 0 and
  // margins of 1e12 would never stop (and 1e15² overflows the Hessian). Fitting a' on m / s, with
  // s the margins' root mean square, and returning a = a' / s has the same optimum at any scale.
  const scale = rootMeanSquare(margins);
  const scaled = Float64Array.from(margins, (m) => m / scale);
  const fit = fitScaled(scaled, targets, Math.log((negatives + 1) / (positives + 1)));
  return { a: fit.a / scale, b: fit.b, iterations: fit.iterations };
}

/** Lin et al.'s (2007) Appendix algorithm on margins of order 1, from a = 0 and the given b. */
function fitScaled(margins: Float64Array, targets: Float64Array, start: number): PlattFit {
  const n = margins.length;
  let a = 0;
  let b = start;
  let value = crossEntropy(margins, targets, a, b);
  let iterations = 0;
  while (iterations < MAX_ITERATIONS) {
    let h11 = SIGMA;
    let h22 = SIGMA;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const m = margins[i];
      const z = a * m + b;
      const p = sigmoidOfNegative(z);
      // p·(1 − p) with 1 − p = sigmoidOfNegative(−z), not a subtraction that rounds to 0 near p = 1.
      const weight = p * sigmoidOfNegative(-z);
      h11 += m * m * weight;
      h22 += weight;
      h21 += m * weight;
      const residual = targets[i] - p;
      g1 += m * residual;
      g2 += residual;
    }
    if (Math.abs(g1) < EPSILON && Math.abs(g2) < EPSILON) break;

    const determinant = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / determinant;
    const db = -(-h21 * g1 + h11 * g2) / determinant;
    // Equal margins make the Hessian singular up to the ridge, which rounding can cancel to 0.
    if (!Number.isFinite(da) || !Number.isFinite(db)) break;
    const slope = g1 * da + g2 * db;

    let step = 1;
    while (step >= MIN_STEP) {
      const nextA = a + step * da;
      const nextB = b + step * db;
      const nextValue = crossEntropy(margins, targets, nextA, nextB);
      if (nextValue < value + ARMIJO * step * slope) {
        a = nextA;
        b = nextB;
        value = nextValue;
        break;
      }
      step /= 2;
    }
    if (step < MIN_STEP) break; // no descent left at machine precision: (a, b) is as good as it gets
    iterations++;
  }
  return { a, b, iterations };
}

/**
 * Platt's calibrated probability of class 1 for a margin, in [0, 1] for any margin including
 * ±Infinity; evaluated on the side where exp cannot overflow (Lin et al. 2007, §3).
 */
export function plattProbability(params: PlattParams, margin: number): number {
  if (Number.isNaN(margin)) throw new RangeError(`margin NaN has no probability`);
  // With a = 0 the margin plays no part, even an infinite one (where 0·∞ would be NaN).
  return sigmoidOfNegative(params.a === 0 ? params.b : params.a * margin + params.b);
}

/** 1 / (1 + exp(z)), computed through exp(−|z|) so that neither branch overflows. */
function sigmoidOfNegative(z: number): number {
  if (z >= 0) {
    const e = Math.exp(-z);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(z));
}

/**
 * Σ −tᵢ·log pᵢ − (1 − tᵢ)·log(1 − pᵢ) with pᵢ = 1 / (1 + exp(zᵢ)), zᵢ = a·mᵢ + b, rewritten as
 * tᵢ·zᵢ + log(1 + exp(−zᵢ)) for zᵢ ≥ 0 and (tᵢ − 1)·zᵢ + log(1 + exp(zᵢ)) otherwise, so that exp
 * only ever sees a non-positive argument (Lin et al. 2007, §3).
 */
function crossEntropy(margins: ArrayLike<number>, targets: Float64Array, a: number, b: number): number {
  let total = 0;
  for (let i = 0; i < margins.length; i++) {
    const z = a * margins[i] + b;
    total += z >= 0 ? targets[i] * z + Math.log1p(Math.exp(-z)) : (targets[i] - 1) * z + Math.log1p(Math.exp(z));
  }
  return total;
}

/** √(Σ m² / n), through the largest |m| so that squares cannot overflow; 1 when every m is 0. */
function rootMeanSquare(margins: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < margins.length; i++) largest = Math.max(largest, Math.abs(margins[i]));
  if (largest === 0) return 1;
  let sum = 0;
  for (let i = 0; i < margins.length; i++) sum += (margins[i] / largest) ** 2;
  return largest * Math.sqrt(sum / margins.length);
}
