// Finished batch results in KV: the fast global read path. Only the code that finishes a batch
// (or settles its callback) writes here, never a reader, so a KV miss costs a D1 read and no
// write (KV allows one write per second per key, and caches misses for up to 60 s). Entries
// expire after RESULT_TTL_SECONDS (default 7 days); D1 stays the source of truth.
import { BatchResult } from "../contract/api.ts";

export interface CachedResult {
  tenantId: string;
  result: BatchResult;
}

export interface ResultCache {
  getResult(batchId: string): Promise<CachedResult | null>;
  putResult(entry: CachedResult): Promise<void>;
  deleteResult(batchId: string): Promise<void>;
}

const key = (batchId: string) => `result:${batchId}`;
/** KV's shortest expiration. */
const MIN_TTL_SECONDS = 60;

export function createResultCache(kv: KVNamespace, ttlSeconds: number): ResultCache {
  const expirationTtl = Math.max(MIN_TTL_SECONDS, Math.floor(ttlSeconds) || MIN_TTL_SECONDS);
  return {
    async getResult(batchId) {
      const value = await kv.get<CachedResult>(key(batchId), "json");
      if (!value || typeof value.tenantId !== "string") return null;
      const parsed = BatchResult.safeParse(value.result);
      return parsed.success ? { tenantId: value.tenantId, result: parsed.data } : null;
    },
    async putResult(entry) {
      await kv.put(key(entry.result.batchId), JSON.stringify(entry), { expirationTtl });
    },
    async deleteResult(batchId) {
      await kv.delete(key(batchId));
    },
  };
}
