// The step between passes: from a derivatives pass's sums, the stopping test and the Newton
// direction (one Cholesky solve of the (d+1)×(d+1) system); from a line-search pass's sums, the
// Armijo step. It replays solveNewton's decisions in the same order, so a streamed run takes the
// same steps as the in-memory solver up to the rounding of the sums.
import { factorCholesky, solveCholesky } from "../linear-algebra.ts";
import { LINE_SEARCH_STEPS } from "./passes.ts";
import type { NewtonOutcome, NewtonState, PassAccumulator, StreamingPlan } from "./streaming-schema.ts";

// solveNewton's sufficient-decrease constant; the two must agree for the runs to take the same steps.
const ARMIJO = 0.01;

/**
 * The next state of a run given the merged sums of the pass it awaited, or its outcome (Keerthi &
 * DeCoste 2005; Armijo backtracking as in Nocedal & Wright, Numerical Optimization, §3.1). Stops,
 * as solveNewton does, when ‖∇f‖ ≤ tol·‖∇f(0)‖ (converged), at maxIter steps, or when no step
 * t ≥ 2⁻³⁹ gives sufficient decrease (no descent left at machine precision).
 */
export function advanceNewton(
  plan: StreamingPlan,
  state: NewtonState,
  merged: PassAccumulator,
): NewtonState | NewtonOutcome {
  // A checkpoint from another pass, or a pass that missed or repeated a shard, would give a
  // plausible but wrong step; refuse it instead.
  if (merged.phase !== state.phase || merged.iteration !== state.iteration) {
    throw new RangeError(
      `expected the ${state.phase} pass of iteration ${state.iteration}, got the ${merged.phase} pass of iteration ${merged.iteration}`,
    );
  }
  if (merged.rows !== plan.rows) throw new RangeError(`the pass saw ${merged.rows} rows, expected ${plan.rows}`);
  if (state.w.length !== plan.d + 1) {
    throw new RangeError(`the state holds ${state.w.length} weights, expected ${plan.d + 1}`);
  }
  checkSumLengths(merged, plan.d + 1);
  const w = Float64Array.from(state.w);

  if (state.phase === "derivatives" && merged.phase === "derivatives") {
    const p = plan.d + 1;
    const gradient = Float64Array.from(merged.gradient, (sum, j) => w[j] + sum);
    const norm = Math.sqrt(dotProduct(gradient, gradient));
    const gradientNorm0 = state.gradientNorm0 ?? norm;
    const objective = 0.5 * dotProduct(w, w) + merged.loss;
    if (norm <= plan.tol * gradientNorm0) return finish(w, state.iteration, true, objective);
    if (state.iteration >= plan.maxIter) return finish(w, state.iteration, false, objective);
    const direction = solveCholesky(
      factorCholesky(unpackHessian(merged.hessian, p), p),
      gradient.map((g) => -g),
      p,
    );
    return {
      phase: "line-search",
      w: [...state.w],
      iteration: state.iteration,
      gradientNorm0,
      direction: Array.from(direction),
      slope: dotProduct(gradient, direction),
    };
  }

  if (state.phase === "line-search" && merged.phase === "line-search") {
    const direction = Float64Array.from(state.direction);
    const ww = dotProduct(w, w);
    const ws = dotProduct(w, direction);
    const ss = dotProduct(direction, direction);
    const objectiveAt = (k: number): number => {
      const t = LINE_SEARCH_STEPS[k];
      return 0.5 * (ww + 2 * t * ws + t * t * ss) + merged.losses[k];
    };
    const start = objectiveAt(0);
    // The first step, longest first, that solveNewton's `while (f(t) > bound)` would stop at.
    for (let k = 1; k < LINE_SEARCH_STEPS.length; k++) {
      const t = LINE_SEARCH_STEPS[k];
      if (!(objectiveAt(k) > start + ARMIJO * t * state.slope)) {
        const next = Array.from(w, (value, j) => value + t * direction[j]);
        return { phase: "derivatives", w: next, iteration: state.iteration + 1, gradientNorm0: state.gradientNorm0 };
      }
    }
    return finish(w, state.iteration, false, start);
  }
  throw new RangeError("unreachable: phases were checked equal");
}

function checkSumLengths(merged: PassAccumulator, p: number): void {
  const lengths =
    merged.phase === "derivatives"
      ? [merged.gradient.length, p, merged.hessian.length, (p * (p + 1)) / 2]
      : [merged.losses.length, LINE_SEARCH_STEPS.length];
  for (let k = 0; k < lengths.length; k += 2) {
    if (lengths[k] !== lengths[k + 1])
      throw new RangeError(`partial sums of length ${lengths[k]}, expected ${lengths[k + 1]}`);
  }
}

function finish(w: Float64Array, iterations: number, converged: boolean, objective: number): NewtonOutcome {
  return { done: true, w: Array.from(w), iterations, converged, objective };
}

/** The full lower triangle of I + Σ 2Cᵢ·x̃ᵢx̃ᵢᵀ from its packed sum; factorCholesky reads nothing above it. */
function unpackHessian(packed: readonly number[], p: number): Float64Array {
  const hessian = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    const row = (j * (j + 1)) / 2;
    for (let k = 0; k <= j; k++) hessian[j * p + k] = packed[row + k];
    hessian[j * p + j] += 1;
  }
  return hessian;
}

function dotProduct(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j] * b[j];
  return sum;
}
