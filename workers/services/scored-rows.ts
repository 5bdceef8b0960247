// A batch's scored rows as readers need them (results, exports, explanations, labels, training),
// put together from its frames in R2: the features and client ids of its input, the margins,
// labels and model versions of its scored chunks. Rows logged by /v1/predict have no input
// object: each of their chunk frames holds the features too.
import type { Adapters } from "../adapters/index.ts";
import { PREDICT_SOURCE, type BatchRecord } from "../adapters/batch-store.ts";
import { rowOf, type RowFrame } from "../codecs/row-frame.ts";

export interface ScoredRows {
  rows: number;
  ids: readonly string[] | null;
  margins: Float64Array;
  labels: Uint8Array;
  /** The model version that scored each row. */
  versions: readonly string[];
  /** The feature vector that was scored for row i. */
  featuresOf(i: number): number[];
}

/** The view over frames already in memory (the consumer that just scored them). */
export function scoredView(featureFrames: readonly RowFrame[], scoreFrames: readonly RowFrame[]): ScoredRows {
  const rows = scoreFrames.reduce((n, f) => n + f.rows, 0);
  const margins = new Float64Array(rows);
  const labels = new Uint8Array(rows);
  const versions = new Array<string>(rows);
  for (const frame of scoreFrames) {
    if (!frame.margins || !frame.labels) throw new Error(`the frame at row ${frame.offset} holds no scores`);
    margins.set(frame.margins, frame.offset);
    labels.set(frame.labels, frame.offset);
    versions.fill(frame.modelVersion ?? "", frame.offset, frame.offset + frame.rows);
  }
  const withIds = featureFrames.some((f) => f.ids !== null);
  const ids = withIds ? new Array<string>(rows).fill("") : null;
  if (ids) for (const f of featureFrames) f.ids?.forEach((id, i) => (ids[f.offset + i] = id));
  return {
    rows,
    ids,
    margins,
    labels,
    versions,
    featuresOf(i) {
      const frame = featureFrames.find((f) => i >= f.offset && i < f.offset + f.rows);
      if (!frame) throw new RangeError(`row ${i} is not a row of this batch`);
      return rowOf(frame, i - frame.offset);
    },
  };
}

/** A finished batch's rows from R2, or null when they are gone (deleted, or scored before rows moved to R2). */
export async function readScoredRows(adapters: Adapters, batch: BatchRecord): Promise<ScoredRows | null> {
  const [input, scores] = await Promise.all([
    batch.source === PREDICT_SOURCE ? null : adapters.rows.getInput(batch.tenantId, batch.id),
    adapters.rows.getScores(batch.tenantId, batch.id, batch.chunks),
  ]);
  if (!scores || (batch.source !== PREDICT_SOURCE && !input)) return null;
  return scoredView(input ? [input] : scores, scores);
}

/** What the model said for each row of a finished batch (its score frames only), or null when gone. */
export async function readVerdicts(
  adapters: Adapters,
  batch: BatchRecord,
): Promise<{ labels: Uint8Array; versions: readonly string[] } | null> {
  const scores = await adapters.rows.getScores(batch.tenantId, batch.id, batch.chunks);
  return scores && scoredView([], scores);
}
