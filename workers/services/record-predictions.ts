// Rows that POST /v1/predict scored are recorded after the answer, so they can be labelled by
// predictionId and learned from like batch rows. They arrive on their own queue, consumed in
// groups (up to 100 messages, or every 2 s), off the answer's path. Each chunk's scored rows go
// to R2 as one frame (features, ids, margins, labels); the batch's Durable Object counts the
// chunks, and the one that completes it records the finished batch in D1 with its rollup counts,
// once. A redelivered chunk rewrites the same frame and is counted once.
import type { RecordJob } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";
import { PREDICT_SOURCE } from "../adapters/batch-store.ts";
import { columnsFromRows, type RowFrame } from "../codecs/row-frame.ts";
import { loadVersion } from "./serving-model.ts";
import { batchDeltas, chunkStats } from "./rollup.ts";

export async function recordPredictions(adapters: Adapters, job: RecordJob): Promise<void> {
  const d = job.features[0].length;
  const frame: RowFrame = {
    rows: job.features.length,
    offset: job.offset,
    featureCount: d,
    features: columnsFromRows(job.features, d),
    ids: job.ids ?? null,
    margins: Float64Array.from(job.margins),
    labels: Uint8Array.from(job.labels),
    modelVersion: job.modelVersion,
  };
  await adapters.rows.putScores(job.tenantId, job.batchId, job.chunk, frame);
  const model = await loadVersion(adapters.models, job.tenantId, job.modelVersion);
  const ledger = await adapters.ledger.record(
    job.batchId,
    job.chunk,
    job.chunks,
    chunkStats(model, frame.features, frame.rows, frame.labels as Uint8Array),
  );
  if (!ledger.complete || !ledger.stats) return;
  const now = Date.now();
  await adapters.batches.recordLoggedBatch(
    {
      id: job.batchId,
      tenantId: job.tenantId,
      rows: job.rows,
      chunks: job.chunks,
      featureCount: d,
      idempotencyKey: null,
      bodyHash: "",
      callbackUrl: null,
      source: PREDICT_SOURCE,
    },
    now,
    // Latency is a batch's wait for its result; a prediction had its answer already.
    batchDeltas(job.tenantId, ledger.stats, now, now).map((delta) => ({ ...delta, latency: [] })),
  );
}
