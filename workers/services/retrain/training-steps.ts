// The training part of a retrain as bounded steps over the run's train shards: the moments pass,
// then each Newton pass, each cut into slices of shards; between slices only JSON is kept (the
// merged moments or partial sums, O(d²)), so a Workflow checkpoints it and a crash resumes at the
// slice it stopped in. Hinge loss (dual coordinate descent) needs every row at once: it trains in
// one step on the shards loaded together, up to IN_MEMORY_ROWS rows.
import {
  advanceNewton,
  emptyAccumulator,
  emptyMoments,
  linearModelFromStreaming,
  mergeAccumulators,
  mergeMoments,
  planStreaming,
  resolveHyperparameters,
  startNewton,
  trainSvm,
  type LinearModel,
  type Moments,
  type NewtonOutcome,
  type NewtonState,
  type PassAccumulator,
  type StreamingPlan,
  type TrainOptions,
  type TrainResult,
} from "../../../model/index.ts";
import type { TrainingShardStore } from "../../adapters/shard-store.ts";
import { runMomentsPass, runPass } from "../stream-training.ts";
import { datasetOf } from "./labelled-frames.ts";

/** Train rows one step folds at most: ≈ 10 × 20,000-row shards, a few seconds of CPU at d = 20. */
export const ROWS_PER_STEP = 200_000;
/** The most rows hinge loss trains on: its solver holds them all (160 MB at 100 features would not fit). */
export const IN_MEMORY_ROWS = 200_000;

export type Training =
  | { stage: "moments"; next: number; moments: Moments }
  | {
      stage: "newton";
      next: number;
      passes: number;
      plan: StreamingPlan;
      state: NewtonState;
      sums: PassAccumulator | null;
    }
  | { stage: "done"; passes: number; model: LinearModel; iterations: number; converged: boolean };

export interface TrainingInput {
  setId: string;
  featureNames: readonly string[];
  /** Train shards 0…shards−1, and the rows in each. */
  shardRows: readonly number[];
  options: TrainOptions;
  /** Train rows one step folds at most (whole shards; at least one). */
  rowsPerStep?: number;
}

export function startTraining(input: TrainingInput): Training {
  return { stage: "moments", next: 0, moments: emptyMoments(input.featureNames.length) };
}

export const usesStreaming = (options: TrainOptions) => resolveHyperparameters(options).solver === "newton";

/** The shard indexes of the slice starting at `from`: whole shards up to ROWS_PER_STEP rows (at least one). */
export function sliceFrom(shardRows: readonly number[], from: number, rowsPerStep = ROWS_PER_STEP): number[] {
  const slice: number[] = [];
  let rows = 0;
  for (let k = from; k < shardRows.length; k++) {
    if (slice.length > 0 && rows + shardRows[k] > rowsPerStep) break;
    slice.push(k);
    rows += shardRows[k];
  }
  return slice;
}

/** A name for the step that runs next, e.g. "moments 0" or "pass 3 line-search 10". */
export function trainingStage(t: Training): string {
  if (t.stage === "moments") return `moments ${t.next}`;
  if (t.stage === "newton") return `pass ${t.passes} ${t.state.phase} ${t.next}`;
  return "done";
}

/** Runs one slice of the current pass (or, for hinge loss, all of training) and returns the next state. */
export async function trainStep(
  shards: TrainingShardStore,
  tenantId: string,
  input: TrainingInput,
  t: Training,
): Promise<Training> {
  if (!usesStreaming(input.options)) return trainInMemory(shards, tenantId, input);
  if (t.stage === "done") return t;
  const slice = sliceFrom(input.shardRows, t.next, input.rowsPerStep);
  const next = t.next + slice.length;
  const last = next >= input.shardRows.length;
  if (t.stage === "moments") {
    const d = input.featureNames.length;
    const moments = mergeMoments(t.moments, await runMomentsPass(shards, tenantId, input.setId, d, slice));
    if (!last) return { ...t, next, moments };
    const plan = planStreaming(moments, input.options);
    return { stage: "newton", next: 0, passes: 1, plan, state: startNewton(plan), sums: null };
  }
  const { plan, state } = t;
  const partial = await runPass(shards, tenantId, input.setId, plan, state, slice);
  const sums = t.sums ? mergeAccumulators(t.sums, partial) : mergeAccumulators(emptyAccumulator(plan, state), partial);
  if (!last) return { ...t, next, sums };
  const after: NewtonState | NewtonOutcome = advanceNewton(plan, state, sums);
  if ("done" in after) {
    const model = linearModelFromStreaming(input.featureNames, plan, after);
    return { stage: "done", passes: t.passes + 1, model, iterations: after.iterations, converged: after.converged };
  }
  return { ...t, next: 0, passes: t.passes + 1, state: after, sums: null };
}

async function trainInMemory(shards: TrainingShardStore, tenantId: string, input: TrainingInput): Promise<Training> {
  const rows = input.shardRows.reduce((a, b) => a + b, 0);
  if (rows > IN_MEMORY_ROWS) {
    throw new RangeError(
      `hinge loss trains in memory, on at most ${IN_MEMORY_ROWS} rows; this set has ${rows}: retrain with loss "squared-hinge"`,
    );
  }
  const frames = [];
  for (let k = 0; k < input.shardRows.length; k++) {
    const frame = await shards.getShard(tenantId, input.setId, "train", k);
    if (!frame) throw new Error(`train shard ${k} is missing`);
    frames.push(frame);
  }
  const result = trainSvm(datasetOf(input.featureNames, frames), input.options);
  return { stage: "done", passes: 1, model: result.model, iterations: result.iterations, converged: result.converged };
}

/** The trained model as buildArtifact takes it. */
export function trainResultOf(
  t: Extract<Training, { stage: "done" }>,
  options: TrainOptions,
): Pick<TrainResult, "model" | "hyperparameters" | "iterations" | "converged"> {
  return {
    model: t.model,
    hyperparameters: resolveHyperparameters(options),
    iterations: t.iterations,
    converged: t.converged,
  };
}
