// Rows that POST /v1/predict scored are recorded after the answer, so they can be labelled by
// predictionId and learned from like batch rows. They arrive on their own queue, consumed in
// groups (up to 100 messages, or every 2 s), so recording many small answers costs one
// consumer invocation and one D1 transaction per message, off the answer's path. The batch row
// is made by the first chunk to arrive (its id went out with the answer); a redelivered chunk
// overwrites itself and never double-counts.
import type { RecordJob } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";
import { PREDICT_SOURCE } from "../adapters/batch-store.ts";

export async function recordPredictions(adapters: Adapters, job: RecordJob): Promise<void> {
  await adapters.batches.recordLoggedChunk(
    {
      id: job.batchId,
      tenantId: job.tenantId,
      rows: job.rows,
      chunks: job.chunks,
      featureCount: job.features[0].length,
      idempotencyKey: null,
      bodyHash: "",
      callbackUrl: null,
      source: PREDICT_SOURCE,
    },
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
