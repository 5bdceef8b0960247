// A retrain over training shards in R2 that never holds more than one shard: the moments pass
// fixes the plan (scaler, class weights), then each Newton pass folds the shards one by one into
// O(d²) partial sums (model/streaming/). Every pass is "JSON state in → partial sums over a list
// of shards → merged → next state", and runPass is exactly the middle of that, so a Cloudflare
// Workflow step can run one pass, or a slice of one, and checkpoint only JSON; trainFromShards
// runs the same steps back to back in one invocation (tests, the benchmark, small tenants).
import {
  accumulateShard,
  addRowsToMoments,
  advanceNewton,
  emptyAccumulator,
  emptyMoments,
  linearModelFromStreaming,
  mergeAccumulators,
  planStreaming,
  startNewton,
  type LinearModel,
  type Moments,
  type NewtonOutcome,
  type NewtonState,
  type PassAccumulator,
  type Shard,
  type StreamingPlan,
  type TrainOptions,
} from "../../model/index.ts";
import type { RowFrame } from "../codecs/row-frame.ts";
import type { TrainingShardStore } from "../adapters/shard-store.ts";

export type PassPhase = "moments" | NewtonState["phase"];

export interface StreamTrainingHooks {
  /** After each shard is folded in, while only that shard is held (a place to sample memory). */
  onShard?(event: { pass: number; phase: PassPhase; index: number; rows: number }): void;
  /** After each pass, with its wall time and the JSON value the next pass starts from. */
  onPass?(event: { pass: number; phase: PassPhase; ms: number; next: Moments | NewtonState | NewtonOutcome }): void;
}

export interface StreamTrainingResult {
  model: LinearModel;
  /** Newton steps taken, as trainSvm counts them. */
  iterations: number;
  converged: boolean;
  /** Passes over the shards, the moments pass included. */
  passes: number;
  shards: number;
  rows: number;
  /** Wall time of each pass in ms, the moments pass first. */
  passMs: number[];
}

/**
 * The row-major Shard the streaming core folds, from a training shard's column-major frame. The
 * copy is one shard's features (rows·d·8 bytes); the core stays row-major because its inner loops
 * walk one row's features at a time, as trainSvm's do.
 */
export function shardFromFrame(frame: RowFrame, d: number): Shard {
  const { rows, featureCount, features, labels } = frame;
  if (featureCount !== d) throw new RangeError(`a shard of ${featureCount} features for a ${d}-feature training set`);
  if (labels === null) throw new RangeError("a training shard without labels");
  const x = new Float64Array(rows * d);
  for (let j = 0; j < d; j++) {
    const column = j * rows;
    for (let i = 0; i < rows; i++) x[i * d + j] = features[column + i];
  }
  return { x, y: labels, rows };
}

/** Reads the train shards one at a time, each dropped before the next is fetched. */
async function forEachShard(
  store: TrainingShardStore,
  tenantId: string,
  setId: string,
  d: number,
  shardIndexes: readonly number[],
  fold: (shard: Shard, index: number) => void,
): Promise<void> {
  for (const index of shardIndexes) {
    const frame = await store.getShard(tenantId, setId, "train", index);
    if (frame === null) throw new RangeError(`train shard ${index} of set ${setId} is missing`);
    fold(shardFromFrame(frame, d), index);
  }
}

/** The moments pass over some train shards: the feature moments and class counts of their rows. */
export async function runMomentsPass(
  store: TrainingShardStore,
  tenantId: string,
  setId: string,
  d: number,
  shardIndexes: readonly number[],
  onShard?: (index: number, rows: number) => void,
): Promise<Moments> {
  let moments = emptyMoments(d);
  await forEachShard(store, tenantId, setId, d, shardIndexes, (shard, index) => {
    moments = addRowsToMoments(moments, shard.x, shard.y, shard.rows);
    onShard?.(index, shard.rows);
  });
  return moments;
}

/**
 * The partial sums, over the listed train shards, of the pass `state` awaits. Sums of disjoint
 * lists merge with mergeAccumulators in any grouping; advanceNewton takes the sums of all shards
 * and refuses any that missed or repeated rows.
 */
export async function runPass(
  store: TrainingShardStore,
  tenantId: string,
  setId: string,
  plan: StreamingPlan,
  state: NewtonState,
  shardIndexes: readonly number[],
  onShard?: (index: number, rows: number) => void,
): Promise<PassAccumulator> {
  let sums = emptyAccumulator(plan, state);
  await forEachShard(store, tenantId, setId, plan.d, shardIndexes, (shard, index) => {
    sums = mergeAccumulators(sums, accumulateShard(plan, state, shard));
    onShard?.(index, shard.rows);
  });
  return sums;
}

/**
 * Trains trainSvm's squared-hinge model (same options, same weights to rounding) on a set's train
 * shards, streaming them once per pass: the moments pass, then a derivatives and a line-search
 * pass per Newton step, and the derivatives pass that stops. Holdout shards are not read.
 */
export async function trainFromShards(
  store: TrainingShardStore,
  tenantId: string,
  setId: string,
  featureNames: readonly string[],
  options: TrainOptions = {},
  hooks: StreamTrainingHooks = {},
): Promise<StreamTrainingResult> {
  const d = featureNames.length;
  const { train: shards } = await store.listShards(tenantId, setId);
  if (shards === 0) throw new RangeError(`set ${setId} has no train shards`);
  const indexes = Array.from({ length: shards }, (_, k) => k);
  const passMs: number[] = [];
  const timePass = async <T extends Moments | NewtonState | NewtonOutcome>(
    phase: PassPhase,
    run: (onShard: (index: number, rows: number) => void) => Promise<T>,
  ): Promise<T> => {
    const pass = passMs.length;
    const started = performance.now();
    const next = await run((index, rows) => hooks.onShard?.({ pass, phase, index, rows }));
    passMs.push(performance.now() - started);
    hooks.onPass?.({ pass, phase, ms: passMs[pass], next });
    return next;
  };

  const moments = await timePass("moments", (onShard) => runMomentsPass(store, tenantId, setId, d, indexes, onShard));
  const plan = planStreaming(moments, options);
  let step: NewtonState | NewtonOutcome = startNewton(plan);
  while (!("done" in step)) {
    const state: NewtonState = step;
    step = await timePass(state.phase, async (onShard) =>
      advanceNewton(plan, state, await runPass(store, tenantId, setId, plan, state, indexes, onShard)),
    );
  }
  return {
    model: linearModelFromStreaming(featureNames, plan, step),
    iterations: step.iterations,
    converged: step.converged,
    passes: passMs.length,
    shards,
    rows: plan.rows,
    passMs,
  };
}
