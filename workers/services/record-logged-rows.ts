// Rows that POST /v1/predict scored are stored as finished batches of their own, so they can be
// labelled and learned from like batch rows: the tenant's prediction log (durable/prediction-log.ts)
// joins many calls into one segment and records it here. The segment's scored rows go to R2 as
// ONE frame (features, ids, margins, labels) under the key of a batch's chunk 0, so readers take
// it for a one-chunk batch; then one D1 row records the finished batch with its rollup counts,
// once: a retry rewrites the same frame and finds the row already there, adding nothing.
import type { Adapters } from "../adapters/index.ts";
import { PREDICT_SOURCE } from "../adapters/batch-store.ts";
import type { RowFrame } from "../codecs/row-frame.ts";
import { loadVersion } from "./serving-model.ts";
import { PermanentError } from "./permanent-error.ts";
import { batchDeltas, chunkStats } from "./rollup.ts";

export async function recordLoggedRows(
  adapters: Adapters,
  tenantId: string,
  batchId: string,
  frame: RowFrame,
): Promise<void> {
  if (!frame.labels || !frame.margins || frame.modelVersion === null) {
    throw new PermanentError(`the logged rows of ${batchId} carry no scores`);
  }
  await adapters.rows.putScores(tenantId, batchId, 0, frame);
  const model = await loadVersion(adapters.models, tenantId, frame.modelVersion);
  const stats = chunkStats(model, frame.features, frame.rows, frame.labels, frame.margins);
  const now = Date.now();
  await adapters.batches.recordLoggedBatch(
    {
      id: batchId,
      tenantId,
      rows: frame.rows,
      chunks: 1,
      featureCount: frame.featureCount,
      idempotencyKey: null,
      bodyHash: "",
      callbackUrl: null,
      source: PREDICT_SOURCE,
    },
    now,
    // Latency is a batch's wait for its result; a prediction had its answer already.
    batchDeltas(tenantId, stats, now, now).map((delta) => ({ ...delta, latency: [] })),
  );
}
