// The optimisation problem both solvers share, in liblinear's formulation (Fan et al., JMLR 2008):
//   min over w̃  ½‖w̃‖² + Σᵢ Cᵢ·ξ(yᵢ·w̃·x̃ᵢ),  ξ(m) = max(0, 1 − m) or max(0, 1 − m)²,
// where x̃ᵢ = [xᵢ, 1] carries the bias as a constant feature (intercept_scaling 1), so the bias is
// regularised like every weight, and yᵢ ∈ {−1, +1}. Per-row costs Cᵢ = C·weight(yᵢ).
import type { ClassWeight, Loss } from "./artifact-schema.ts";

export type SvmProblem = {
  /** Standardised features, row-major n×d, without the bias column. */
  readonly x: Float64Array;
  readonly n: number;
  readonly d: number;
  /** ±1 per row. */
  readonly sign: Float64Array;
  /** Cᵢ per row. */
  readonly cost: Float64Array;
  readonly tol: number;
  readonly maxIter: number;
};

export type SolverOutcome = {
  /** d weights followed by the bias. */
  readonly w: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
};

/** Class weights as scikit-learn defines them; "balanced" is n / (2·n_class) (King & Zeng 2001). */
export function resolveClassWeights(classWeight: ClassWeight, y: Uint8Array): [number, number] {
  if (classWeight === null) return [1, 1];
  if (classWeight !== "balanced") return [classWeight["0"], classWeight["1"]];
  let ones = 0;
  for (let i = 0; i < y.length; i++) ones += y[i];
  return [y.length / (2 * (y.length - ones)), y.length / (2 * ones)];
}

export function buildProblem(
  x: Float64Array,
  y: Uint8Array,
  settings: { C: number; classWeight: ClassWeight; tol: number; maxIter: number },
): SvmProblem {
  const n = y.length;
  const [weight0, weight1] = resolveClassWeights(settings.classWeight, y);
  const sign = new Float64Array(n);
  const cost = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sign[i] = y[i] === 1 ? 1 : -1;
    cost[i] = settings.C * (y[i] === 1 ? weight1 : weight0);
  }
  return { x, n, d: x.length / n, sign, cost, tol: settings.tol, maxIter: settings.maxIter };
}

/** The primal objective above at w̃ (weights then bias). */
export function computeObjective(problem: SvmProblem, w: Float64Array, loss: Loss): number {
  const { x, n, d, sign, cost } = problem;
  let total = 0;
  for (let j = 0; j <= d; j++) total += 0.5 * w[j] * w[j];
  for (let i = 0; i < n; i++) {
    let margin = w[d];
    for (let j = 0; j < d; j++) margin += w[j] * x[i * d + j];
    const slack = Math.max(0, 1 - sign[i] * margin);
    total += cost[i] * (loss === "hinge" ? slack : slack * slack);
  }
  return total;
}
