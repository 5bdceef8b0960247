// Builds the public view of a batch: its D1 row and, once it is complete, its scored rows.
import type { BatchResult, BatchSummary, Prediction } from "../contract/api.ts";
import type { BatchRecord } from "../adapters/batch-store.ts";
import type { ScoredRows } from "./scored-rows.ts";
import { NO_FACTS, type VersionFacts } from "./version-facts.ts";

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

/** Each row under the version that scored it: its probability and its label's class name (services/version-facts.ts). */
export function toPredictions(scored: ScoredRows | null, facts: VersionFacts): Prediction[] {
  if (!scored) return [];
  const predictions = new Array<Prediction>(scored.rows);
  for (let row = 0; row < scored.rows; row++) {
    const id = scored.ids?.[row];
    const label = scored.labels[row] === 1 ? 1 : 0;
    const version = scored.versions[row];
    predictions[row] = {
      row,
      ...(id === undefined ? {} : { id }),
      label,
      className: facts.className(version, label),
      margin: scored.margins[row],
      probability: facts.probability(version, scored.margins[row]),
      modelVersion: version,
    };
  }
  return predictions;
}

export function toBatchResult(
  batch: BatchRecord,
  scored: ScoredRows | null,
  facts: VersionFacts = NO_FACTS,
): BatchResult {
  return { ...toBatchSummary(batch), predictions: toPredictions(scored, facts) };
}
