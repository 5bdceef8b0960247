// Builds the public view of a batch from D1 rows (the source of truth).
import type { BatchResult, BatchSummary, Prediction } from "../contract/api.ts";
import type { BatchRecord, StoredPrediction } from "../adapters/batch-store.ts";

export function toBatchSummary(batch: BatchRecord): BatchSummary {
  return {
    batchId: batch.id,
    status: batch.status,
    rows: batch.rows,
    done: batch.done,
    createdAt: new Date(batch.createdAt).toISOString(),
    completedAt: batch.completedAt === null ? null : new Date(batch.completedAt).toISOString(),
    error: batch.error,
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

export function toPrediction(row: StoredPrediction): Prediction {
  return {
    row: row.row,
    ...(row.clientId === null ? {} : { id: row.clientId }),
    label: row.label === 1 ? 1 : 0,
    margin: row.margin,
    modelVersion: row.modelVersion,
  };
}

export function toBatchResult(batch: BatchRecord, rows: readonly StoredPrediction[]): BatchResult {
  return { ...toBatchSummary(batch), predictions: rows.map(toPrediction) };
}
