// Adds to a batch's predictions the true labels people saved for them (GET /v1/batches/{id}
// with feedback=1), so a reloaded batch page shows them again. Labels keep changing after the
// batch completes, so they are never part of the cached result: they are read here, in one D1
// query keyed by the batch, each time they are asked for. The caller has already checked that
// the batch is the tenant's (labels are looked up by batch id alone).
import type { BatchResult } from "../contract/api.ts";
import type { Adapters } from "../adapters/index.ts";

export async function withSavedLabels(adapters: Adapters, result: BatchResult): Promise<BatchResult> {
  // A pending or failed batch has no rows to label yet: no query.
  if (result.predictions.length === 0) return result;
  const labels = await adapters.feedback.labelsOfBatch(result.batchId);
  return {
    ...result,
    predictions: result.predictions.map((prediction) => {
      const saved = labels.get(prediction.row)?.label;
      return { ...prediction, feedback: saved === undefined ? null : saved === 1 ? 1 : 0 };
    }),
  };
}
