// The in-memory twin of row-store.ts. It keeps each frame as the bytes R2 would hold, under the
// same keys, so a frame goes through encodeRowFrame on the way in (a malformed frame is refused
// before anything is stored) and decodeRowFrame on the way out, over its own copy of the bytes
// (as R2 hands each reader a fresh body): what a reader gets back is what the real store gives.
import { decodeRowFrame, encodeRowFrame, type RowFrame } from "../../codecs/row-frame.ts";
import type { RowStore } from "../row-store.ts";

export interface MemoryRowStore extends RowStore {
  /** The keys of the objects stored under a prefix, in R2's listing order. */
  keys(prefix?: string): string[];
}

// The layout row-store.ts documents: one prefix per tenant and batch.
const prefixOf = (tenantId: string, batchId: string) => `rows/${tenantId}/${batchId}/`;
const inputKey = (tenantId: string, batchId: string) => `${prefixOf(tenantId, batchId)}input.rows`;
const scoresKey = (tenantId: string, batchId: string, chunk: number) =>
  `${prefixOf(tenantId, batchId)}scores-${chunk}.rows`;

export function createMemoryRowStore(): MemoryRowStore {
  const objects = new Map<string, Uint8Array>();
  const read = (key: string) => {
    const bytes = objects.get(key);
    return bytes ? decodeRowFrame(bytes.slice()) : null;
  };
  const keys = (prefix = "") => [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  return {
    async putInput(tenantId, batchId, frame) {
      objects.set(inputKey(tenantId, batchId), encodeRowFrame(frame));
    },
    getInput: async (tenantId, batchId) => read(inputKey(tenantId, batchId)),
    async putScores(tenantId, batchId, chunk, frame) {
      objects.set(scoresKey(tenantId, batchId, chunk), encodeRowFrame(frame));
    },
    async getScores(tenantId, batchId, chunks) {
      const frames = Array.from({ length: chunks }, (_, k) => read(scoresKey(tenantId, batchId, k)));
      return frames.every((f) => f !== null) ? (frames as RowFrame[]) : null;
    },
    async deleteBatch(tenantId, batchId) {
      for (const key of keys(prefixOf(tenantId, batchId))) objects.delete(key);
    },
    keys,
  };
}
