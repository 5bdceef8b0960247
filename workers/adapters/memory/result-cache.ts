// The in-memory twin of result-cache.ts. Entries are kept as the JSON text (and metadata) KV would hold and
// validated on the way out, as the real cache does; they expire after the same TTL (KV's
// 60 s floor included). `expiration` shows a test what expiry was asked for, as KV's list does.
import { BatchResult } from "../../contract/api.ts";
import type { ResultCache } from "../result-cache.ts";

export interface MemoryResultCache extends ResultCache {
  /** When the entry expires, in seconds since the epoch (KV's unit); null when there is none. */
  expiration(batchId: string): number | null;
}

/** KV's shortest expiration. */
const MIN_TTL_SECONDS = 60;

export function createMemoryResultCache(ttlSeconds: number): MemoryResultCache {
  const expirationTtl = Math.max(MIN_TTL_SECONDS, Math.floor(ttlSeconds) || MIN_TTL_SECONDS);
  const entries = new Map<string, { text: string; tenantId: string; callbackPending: boolean; expiration: number }>();
  const live = (batchId: string) => {
    const entry = entries.get(batchId);
    if (entry && entry.expiration * 1000 <= Date.now()) entries.delete(batchId);
    return entries.get(batchId) ?? null;
  };
  return {
    async getResult(batchId) {
      const entry = live(batchId);
      if (!entry) return null;
      const parsed = BatchResult.safeParse(JSON.parse(entry.text));
      return parsed.success ? { tenantId: entry.tenantId, result: parsed.data } : null;
    },
    async getResultText(batchId) {
      const entry = live(batchId);
      return entry && { tenantId: entry.tenantId, callbackPending: entry.callbackPending, text: entry.text };
    },
    async putResult(entry) {
      const expiration = Math.floor(Date.now() / 1000) + expirationTtl;
      entries.set(entry.result.batchId, {
        text: JSON.stringify(entry.result),
        tenantId: entry.tenantId,
        callbackPending: entry.result.callback?.status === "pending",
        expiration,
      });
    },
    async deleteResult(batchId) {
      entries.delete(batchId);
    },
    expiration: (batchId) => live(batchId)?.expiration ?? null,
  };
}
