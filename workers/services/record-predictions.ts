// Rows that POST /v1/predict scored are recorded after the answer, so they can be labelled by
// predictionId and learned from like batch rows. The batch row is made on the first chunk to
// arrive (its id came with the answer), and chunks are recorded idempotently, as scored chunks
// are: a redelivered chunk overwrites itself and never double-counts.
import type { RecordJob } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";

export const PREDICT_SOURCE = "predict";

export async function recordPredictions(adapters: Adapters, job: RecordJob): Promise<void> {
  const { batch } = await adapters.batches.ensureBatch({
    id: job.batchId,
    tenantId: job.tenantId,
    rows: job.rows,
    chunks: job.chunks,
    featureCount: job.features[0].length,
    idempotencyKey: null,
    bodyHash: "",
    callbackUrl: null,
    source: PREDICT_SOURCE,
  });
  if (batch.tenantId !== job.tenantId) {
    console.warn(`prediction log for another tenant's batch ${job.batchId}: dropped`);
    return;
  }
  await adapters.batches.recordChunk(
    job.batchId,
    job.chunk,
    job.features.map((features, i) => ({
      row: job.offset + i,
      clientId: job.ids?.[i] ?? null,
      features,
      label: job.labels[i],
      margin: job.margins[i],
      modelVersion: job.modelVersion,
    })),
  );
}
