// One pass of a streamed Newton iteration over one shard, and the fold of shards' partial sums.
// For squared hinge the gradient, the generalised Hessian and the objective along a direction are
// all sums over rows (Keerthi & DeCoste 2005), so a shard's contribution is a fixed-size vector and
// a pass is a fold of those: O(d²) state however many rows stream past. Rows are standardised on
// the fly exactly as applyScaler does, and nothing is allocated per row.
import type { Shard } from "./shard.ts";
import { checkShardShape, labelError } from "./shard.ts";
import type { NewtonState, PassAccumulator, StreamingPlan } from "./streaming-schema.ts";

/**
 * The line search's steps: t = 0 (the objective at w̃ itself), then t = 1, ½, …, 2⁻³⁹. Those are
 * every step solveNewton's backtracking can accept: after 40 halvings it stops whatever f(2⁻⁴⁰) is.
 */
export const LINE_SEARCH_STEPS: readonly number[] = Array.from({ length: 41 }, (_, k) => (k === 0 ? 0 : 2 ** -(k - 1)));

/** The first state of a run: w̃ = 0, awaiting its first derivatives pass, as solveNewton starts. */
export function startNewton(plan: StreamingPlan): NewtonState {
  return { phase: "derivatives", w: new Array<number>(plan.d + 1).fill(0), iteration: 0 };
}

/** The partial sums of no rows for the pass the state awaits, the identity of mergeAccumulators. */
export function emptyAccumulator(plan: StreamingPlan, state: NewtonState): PassAccumulator {
  const p = plan.d + 1;
  if (state.phase === "line-search") {
    return { phase: "line-search", iteration: state.iteration, rows: 0, losses: zeros(LINE_SEARCH_STEPS.length) };
  }
  return {
    phase: "derivatives",
    iteration: state.iteration,
    rows: 0,
    gradient: zeros(p),
    hessian: zeros((p * (p + 1)) / 2),
    loss: 0,
  };
}

/**
 * The partial sums of one shard for the pass the state awaits: for "derivatives" the loss's
 * gradient Σ −2Cᵢyᵢ·slackᵢ·x̃ᵢ and generalised Hessian Σ 2Cᵢ·x̃ᵢx̃ᵢᵀ over rows with a positive slack
 * (Mangasarian 2002), for "line-search" Σ Cᵢ·max(0, 1 − yᵢ(w̃ + t·s)·x̃ᵢ)² at every step t.
 */
export function accumulateShard(plan: StreamingPlan, state: NewtonState, shard: Shard): PassAccumulator {
  const { d } = plan;
  const { x, y, rows } = shard;
  checkShardShape(x, y, rows, d);
  if (state.w.length !== d + 1) throw new RangeError(`the state holds ${state.w.length} weights, expected ${d + 1}`);
  const mean = plan.scaler.mean;
  const inverse = plan.scaler.scale.map((s) => 1 / s);
  const costs = [plan.C * plan.classWeights[0], plan.C * plan.classWeights[1]];
  const z = new Float64Array(d);
  const w = Float64Array.from(state.w);
  const direction = state.phase === "line-search" ? Float64Array.from(state.direction) : null;
  const gradient = new Float64Array(d + 1);
  const hessian = new Float64Array(((d + 1) * (d + 2)) / 2);
  const losses = new Float64Array(LINE_SEARCH_STEPS.length);
  const steps = Float64Array.from(LINE_SEARCH_STEPS);
  const biasRow = (d * (d + 1)) / 2;
  let loss = 0;

  for (let i = 0; i < rows; i++) {
    const label = y[i];
    if (label > 1) throw labelError(i, label);
    const sign = label === 1 ? 1 : -1;
    const cost = costs[label];
    const offset = i * d;
    let margin = w[d];
    for (let j = 0; j < d; j++) {
      z[j] = (x[offset + j] - mean[j]) * inverse[j];
      margin += w[j] * z[j];
    }
    if (direction !== null) {
      let along = direction[d];
      for (let j = 0; j < d; j++) along += direction[j] * z[j];
      for (let k = 0; k < steps.length; k++) {
        const slack = 1 - sign * (margin + steps[k] * along);
        if (slack > 0) losses[k] += cost * slack * slack;
      }
      continue;
    }
    const slack = 1 - sign * margin;
    if (slack <= 0) continue;
    loss += cost * slack * slack;
    const g = -2 * cost * sign * slack;
    const h = 2 * cost;
    for (let j = 0; j < d; j++) {
      const zj = z[j];
      const hzj = h * zj;
      gradient[j] += g * zj;
      const row = (j * (j + 1)) / 2;
      for (let k = 0; k <= j; k++) hessian[row + k] += hzj * z[k];
      hessian[biasRow + j] += hzj;
    }
    gradient[d] += g;
    hessian[biasRow + d] += h;
  }

  if (direction !== null) return { phase: "line-search", iteration: state.iteration, rows, losses: Array.from(losses) };
  return {
    phase: "derivatives",
    iteration: state.iteration,
    rows,
    gradient: Array.from(gradient),
    hessian: Array.from(hessian),
    loss,
  };
}

/** The partial sums of two disjoint sets of rows for the same pass; sums, so any grouping agrees to rounding. */
export function mergeAccumulators(a: PassAccumulator, b: PassAccumulator): PassAccumulator {
  if (a.phase !== b.phase || a.iteration !== b.iteration) {
    throw new RangeError(
      `cannot merge the ${a.phase} pass of iteration ${a.iteration} with the ${b.phase} pass of iteration ${b.iteration}`,
    );
  }
  const rows = a.rows + b.rows;
  if (a.phase === "line-search" && b.phase === "line-search") {
    return { phase: a.phase, iteration: a.iteration, rows, losses: addVectors(a.losses, b.losses) };
  }
  if (a.phase === "derivatives" && b.phase === "derivatives") {
    return {
      phase: a.phase,
      iteration: a.iteration,
      rows,
      gradient: addVectors(a.gradient, b.gradient),
      hessian: addVectors(a.hessian, b.hessian),
      loss: a.loss + b.loss,
    };
  }
  throw new RangeError("unreachable: phases were checked equal");
}

function addVectors(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`cannot add partial sums of lengths ${a.length} and ${b.length}`);
  return a.map((value, j) => value + b[j]);
}

function zeros(length: number): number[] {
  return new Array<number>(length).fill(0);
}
