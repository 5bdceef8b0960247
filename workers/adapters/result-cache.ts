// Finished batch results in KV: the fast global read path. Only complete (or failed)
// results are written, never pending ones, so a stale KV entry can only be a final answer;
// D1 stays the source of truth and every miss falls back to it.
import { BatchResult } from "../contract/api.ts";

export interface CachedResult {
  tenantId: string;
  result: BatchResult;
}

export interface ResultCache {
  getResult(batchId: string): Promise<CachedResult | null>;
  putResult(entry: CachedResult): Promise<void>;
}

const key = (batchId: string) => `result:${batchId}`;

export function createResultCache(kv: KVNamespace): ResultCache {
  return {
    async getResult(batchId) {
      const value = await kv.get<CachedResult>(key(batchId), "json");
      if (!value || typeof value.tenantId !== "string") return null;
      const parsed = BatchResult.safeParse(value.result);
      return parsed.success ? { tenantId: value.tenantId, result: parsed.data } : null;
    },
    async putResult(entry) {
      await kv.put(key(entry.result.batchId), JSON.stringify(entry));
    },
  };
}
