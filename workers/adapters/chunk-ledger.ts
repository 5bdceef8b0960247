// The per-batch Durable Object (durable/batch-tracker.ts) seen from the services: record a scored
// chunk exactly once, read progress. One object per batch id, so batches never contend.
import type { LedgerState } from "../durable/batch-tracker.ts";
import type { ChunkStats } from "../services/rollup.ts";

export type { LedgerState };

export interface ChunkLedger {
  record(batchId: string, chunk: number, chunks: number, stats: ChunkStats): Promise<LedgerState>;
  /** Rows of a pending batch scored so far. */
  progress(batchId: string): Promise<number>;
}

export function createChunkLedger(namespace: Env["BATCH_TRACKER"]): ChunkLedger {
  const tracker = (batchId: string) => namespace.get(namespace.idFromName(batchId));
  return {
    async record(batchId, chunk, chunks, stats) {
      return tracker(batchId).record(chunk, chunks, stats);
    },
    async progress(batchId) {
      return tracker(batchId).progress();
    },
  };
}
