// Builds the public view of a batch: its D1 row and, once it is complete, its scored rows.
import type { BatchResult, BatchSummary, Prediction } from "../contract/api.ts";
import type { BatchRecord } from "../adapters/batch-store.ts";
import type { ScoredRows } from "./scored-rows.ts";

export function toBatchSummary(batch: BatchRecord): BatchSummary {
  return {
    batchId: batch.id,
    status: batch.status,
    rows: batch.rows,
    done: batch.done,
    createdAt: new Date(batch.createdAt).toISOString(),
    completedAt: batch.completedAt === null ? null : new Date(batch.completedAt).toISOString(),
    error: batch.error,
    source: batch.source,
    positives: batch.positives,
    modelVersion: batch.modelVersion,
    ...(batch.callbackStatus === null
      ? {}
      : {
          callback: {
            status: batch.callbackStatus,
            attempts: batch.callbackAttempts,
            lastError: batch.callbackError,
          },
        }),
  };
}

/** P(label 1) of a margin scored by a version (see services/probabilities.ts). */
export type ProbabilityOf = (modelVersion: string, margin: number) => number | null;

export function toPredictions(scored: ScoredRows | null, probability: ProbabilityOf): Prediction[] {
  if (!scored) return [];
  const predictions = new Array<Prediction>(scored.rows);
  for (let row = 0; row < scored.rows; row++) {
    const id = scored.ids?.[row];
    predictions[row] = {
      row,
      ...(id === undefined ? {} : { id }),
      label: scored.labels[row] === 1 ? 1 : 0,
      margin: scored.margins[row],
      probability: probability(scored.versions[row], scored.margins[row]),
      modelVersion: scored.versions[row],
    };
  }
  return predictions;
}

export function toBatchResult(
  batch: BatchRecord,
  scored: ScoredRows | null,
  probability: ProbabilityOf = () => null,
): BatchResult {
  return { ...toBatchSummary(batch), predictions: toPredictions(scored, probability) };
}
