// Rows live in R2 as binary column frames (codecs/row-frame.ts), under one prefix per tenant and
// batch so deletion and R2 lifecycle rules act on a batch or a tenant at once:
//   rows/<tenant>/<batch>/input.rows        the accepted rows, written before the 202 (write-ahead)
//   rows/<tenant>/<batch>/scores-<k>.rows   chunk k's margins and labels, or, for rows logged by
//                                           /v1/predict, the whole scored rows of chunk k
// Writing the features once (not again with the scores) halves the bytes a batch costs in R2.
// Objects are immutable except for identical rewrites by a redelivered chunk.
import { decodeRowFrame, encodeRowFrame, type RowFrame } from "../codecs/row-frame.ts";

export interface RowStore {
  putInput(tenantId: string, batchId: string, frame: RowFrame): Promise<void>;
  getInput(tenantId: string, batchId: string): Promise<RowFrame | null>;
  putScores(tenantId: string, batchId: string, chunk: number, frame: RowFrame): Promise<void>;
  /** Chunks 0…chunks−1 in order, or null when any is missing. */
  getScores(tenantId: string, batchId: string, chunks: number): Promise<RowFrame[] | null>;
  /** Removes every object of the batch. */
  deleteBatch(tenantId: string, batchId: string): Promise<void>;
}

const prefix = (tenantId: string, batchId: string) => `rows/${tenantId}/${batchId}/`;
const inputKey = (tenantId: string, batchId: string) => `${prefix(tenantId, batchId)}input.rows`;
const scoresKey = (tenantId: string, batchId: string, chunk: number) =>
  `${prefix(tenantId, batchId)}scores-${chunk}.rows`;

export function createRowStore(bucket: R2Bucket): RowStore {
  const read = async (key: string) => {
    const object = await bucket.get(key);
    return object ? decodeRowFrame(await object.arrayBuffer()) : null;
  };
  return {
    async putInput(tenantId, batchId, frame) {
      await bucket.put(inputKey(tenantId, batchId), encodeRowFrame(frame));
    },
    getInput: (tenantId, batchId) => read(inputKey(tenantId, batchId)),
    async putScores(tenantId, batchId, chunk, frame) {
      await bucket.put(scoresKey(tenantId, batchId, chunk), encodeRowFrame(frame));
    },
    async getScores(tenantId, batchId, chunks) {
      const frames = await Promise.all(Array.from({ length: chunks }, (_, k) => read(scoresKey(tenantId, batchId, k))));
      return frames.every((f) => f !== null) ? (frames as RowFrame[]) : null;
    },
    async deleteBatch(tenantId, batchId) {
      // A batch has 1 + chunks objects (a few); list pages of 1,000 cover any batch.
      for (let cursor: string | undefined; ;) {
        const page = await bucket.list({ prefix: prefix(tenantId, batchId), cursor });
        if (page.objects.length > 0) await bucket.delete(page.objects.map((o) => o.key));
        if (!page.truncated) return;
        cursor = page.cursor;
      }
    },
  };
}
