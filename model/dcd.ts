// Dual coordinate descent for L2-regularised linear SVMs with hinge or squared-hinge loss,
// with random permutation and shrinking: Hsieh, Chang, Lin, Keerthi & Sundararajan, "A Dual
// Coordinate Descent Method for Large-scale Linear SVM", ICML 2008 (liblinear's solver).
// It is the solver for hinge loss; for squared hinge on dense data Newton (newton.ts) is faster.
import type { Loss } from "./artifact-schema.ts";
import { shuffleInPlace } from "./random.ts";
import type { Random } from "./random.ts";
import type { SolverOutcome, SvmProblem } from "./svm-problem.ts";

/**
 * Minimises the dual ½αᵀQ̄α − eᵀα over 0 ≤ αᵢ ≤ Uᵢ (Hsieh et al. 2008, Algorithm 3), where
 * Q̄ = Q + D; hinge: Uᵢ = Cᵢ, Dᵢᵢ = 0; squared hinge: Uᵢ = ∞, Dᵢᵢ = 1/(2Cᵢ). Stops when, over a
 * pass through all variables, the projected gradient's spread max PG − min PG and its largest
 * magnitude are both at most `tol`.
 */
export function solveDcd(problem: SvmProblem, loss: Loss, random: Random): SolverOutcome {
  const { x, n, d, sign, cost, tol, maxIter } = problem;
  const w = new Float64Array(d + 1);
  const alpha = new Float64Array(n);
  const diag = new Float64Array(n);
  const upper = new Float64Array(n);
  const qii = new Float64Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    diag[i] = loss === "hinge" ? 0 : 0.5 / cost[i];
    upper[i] = loss === "hinge" ? cost[i] : Infinity;
    let norm = 1; // the bias feature
    for (let j = 0; j < d; j++) norm += x[i * d + j] * x[i * d + j];
    qii[i] = norm + diag[i];
    order[i] = i;
  }

  let active = n;
  let bestOld = Infinity; // shrinking thresholds from the previous pass
  let worstOld = -Infinity;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    let pgMax = -Infinity;
    let pgMin = Infinity;
    shuffleInPlace(order, random, active);
    for (let s = 0; s < active; s++) {
      const i = order[s];
      const offset = i * d;
      let margin = w[d];
      for (let j = 0; j < d; j++) margin += w[j] * x[offset + j];
      const gradient = sign[i] * margin - 1 + alpha[i] * diag[i];

      let projected = 0;
      if (alpha[i] === 0) {
        if (gradient > bestOld) {
          active--;
          order[s] = order[active];
          order[active] = i;
          s--;
          continue;
        }
        if (gradient < 0) projected = gradient;
      } else if (alpha[i] === upper[i]) {
        if (gradient < worstOld) {
          active--;
          order[s] = order[active];
          order[active] = i;
          s--;
          continue;
        }
        if (gradient > 0) projected = gradient;
      } else {
        projected = gradient;
      }
      if (projected > pgMax) pgMax = projected;
      if (projected < pgMin) pgMin = projected;

      if (Math.abs(projected) > 1e-12) {
        const previous = alpha[i];
        alpha[i] = Math.min(Math.max(previous - gradient / qii[i], 0), upper[i]);
        const step = (alpha[i] - previous) * sign[i];
        for (let j = 0; j < d; j++) w[j] += step * x[offset + j];
        w[d] += step;
      }
    }
    iterations++;

    // liblinear's test is the spread alone; it can pass while every gradient is equal and far from
    // 0 (seen on two points), so each gradient must also be within tol of 0.
    if (pgMax - pgMin <= tol && Math.max(pgMax, -pgMin) <= tol) {
      // Converged on the shrunk set: confirm on every variable before stopping.
      if (active === n) {
        converged = true;
        break;
      }
      active = n;
      bestOld = Infinity;
      worstOld = -Infinity;
      continue;
    }
    bestOld = pgMax > 0 ? pgMax : Infinity;
    worstOld = pgMin < 0 ? pgMin : -Infinity;
  }
  return { w, iterations, converged };
}
