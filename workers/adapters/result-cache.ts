// Finished batch results in KV: the fast global read path. Only the code that finishes a batch
// (or settles its callback) writes here, never a reader, so a KV miss costs a D1 read and no
// write (KV allows one write per second per key, and caches misses for up to 60 s). Entries
// expire after RESULT_TTL_SECONDS (default 7 days); D1 stays the source of truth.
import { BatchResult } from "../contract/api.ts";

export interface CachedResult {
  tenantId: string;
  result: BatchResult;
}

/** A cached result as stored: its JSON text, served as it is (no parse, no re-serialisation). */
export interface CachedText {
  tenantId: string;
  /** The result still waits for its callback's outcome, which D1 knows first. */
  callbackPending: boolean;
  text: string;
}

export interface ResultCache {
  getResult(batchId: string): Promise<CachedResult | null>;
  getResultText(batchId: string): Promise<CachedText | null>;
  putResult(entry: CachedResult): Promise<void>;
  deleteResult(batchId: string): Promise<void>;
}

const key = (batchId: string) => `result:${batchId}`;

interface ResultMetadata {
  tenantId: string;
  callbackPending: boolean;
}
/** KV's shortest expiration. */
const MIN_TTL_SECONDS = 60;

export function createResultCache(kv: KVNamespace, ttlSeconds: number): ResultCache {
  const expirationTtl = Math.max(MIN_TTL_SECONDS, Math.floor(ttlSeconds) || MIN_TTL_SECONDS);
  return {
    async getResult(batchId) {
      const cached = await this.getResultText(batchId);
      if (!cached) return null;
      const parsed = BatchResult.safeParse(JSON.parse(cached.text));
      return parsed.success ? { tenantId: cached.tenantId, result: parsed.data } : null;
    },
    async getResultText(batchId) {
      // The owner rides in the metadata, so a read checks the tenant without parsing the rows.
      const { value, metadata } = await kv.getWithMetadata<Partial<ResultMetadata>>(key(batchId), "text");
      if (value === null || typeof metadata?.tenantId !== "string") return null;
      return { tenantId: metadata.tenantId, callbackPending: metadata.callbackPending === true, text: value };
    },
    async putResult(entry) {
      const metadata: ResultMetadata = {
        tenantId: entry.tenantId,
        callbackPending: entry.result.callback?.status === "pending",
      };
      await kv.put(key(entry.result.batchId), JSON.stringify(entry.result), { expirationTtl, metadata });
    },
    async deleteResult(batchId) {
      await kv.delete(key(batchId));
    },
  };
}
