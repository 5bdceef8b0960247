// After POST /v1/predict has answered, its scored rows go to the prediction-logs queue as "record" jobs
// (never on the answer's path: the route hands this to waitUntil), to be stored like a batch's
// rows so they can be labelled by predictionId and learned from. Chunks fit the queue's 128 KB.
import type { RecordJob } from "../contract/messages.ts";
import { LIMITS } from "../contract/limits.ts";
import { chunkRows } from "../codecs/chunk-rows.ts";
import type { Adapters } from "../adapters/index.ts";

export interface ScoredRequest {
  tenantId: string;
  batchId: string;
  features: number[][];
  ids: string[] | undefined;
  margins: ArrayLike<number>;
  labels: ArrayLike<number>;
  modelVersion: string;
  /** Decoded request bytes, for sizing chunks. */
  byteLength: number;
}

// Each row also carries its margin and label (≈30 bytes in JSON), which chunkRows does not count.
const SCORE_BYTES_PER_ROW = 32;

export async function logPredictions(adapters: Adapters, scored: ScoredRequest): Promise<void> {
  const rows = scored.features.length;
  const chunks = chunkRows(
    scored.features,
    scored.ids,
    scored.byteLength / rows + SCORE_BYTES_PER_ROW,
    LIMITS.maxChunkBytes,
    LIMITS.maxQueueMessageBytes - LIMITS.maxPredictRows * SCORE_BYTES_PER_ROW,
  );
  await adapters.queues.sendPredictionLogs(
    chunks.map((chunk, index) => {
      const end = chunk.offset + chunk.features.length;
      const job: RecordJob = {
        kind: "record",
        tenantId: scored.tenantId,
        batchId: scored.batchId,
        chunk: index,
        chunks: chunks.length,
        rows,
        offset: chunk.offset,
        features: chunk.features,
        ...(chunk.ids ? { ids: chunk.ids } : {}),
        margins: Array.from(scored.margins).slice(chunk.offset, end),
        labels: Array.from(scored.labels, (l) => (l === 1 ? 1 : 0) as 0 | 1).slice(chunk.offset, end),
        modelVersion: scored.modelVersion,
      };
      return { job, bytes: chunk.bytes + chunk.features.length * SCORE_BYTES_PER_ROW };
    }),
  );
}
