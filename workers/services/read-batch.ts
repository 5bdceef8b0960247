// Flow 3: KV first; on a miss D1 for the batch and, once it is complete, its rows from R2.
// Readers never write KV: only the publisher does. A pending batch reports how many rows its
// Durable Object has counted. A final result whose callback is still under way takes the
// callback's outcome from D1 (one row). Another tenant's batch is indistinguishable from none.
import { BatchResult } from "../contract/api.ts";
import type { Adapters } from "../adapters/index.ts";
import type { CachedText } from "../adapters/result-cache.ts";
import { ApiError } from "../contract/errors.ts";
import { versionFacts } from "./version-facts.ts";
import { toBatchResult, toBatchSummary } from "./batch-result.ts";
import { readScoredRows } from "./scored-rows.ts";

export async function readBatch(
  adapters: Adapters,
  tenantId: string,
  batchId: string,
  /** The KV entry when the caller has already read it (see servableText). */
  entry?: CachedText | null,
): Promise<BatchResult | null> {
  const cachedText = entry === undefined ? await adapters.results.getResultText(batchId) : entry;
  const parsed = cachedText && BatchResult.safeParse(JSON.parse(cachedText.text));
  if (cachedText && parsed?.success) {
    if (cachedText.tenantId !== tenantId) return null;
    if (!cachedText.callbackPending) return parsed.data;
    const batch = await adapters.batches.findBatch(tenantId, batchId);
    const callback = batch ? toBatchSummary(batch).callback : undefined;
    return { ...parsed.data, ...(callback ? { callback } : {}) };
  }
  const batch = await adapters.batches.findBatch(tenantId, batchId);
  if (!batch) return null;
  if (batch.status === "pending" && batch.chunks > 1) {
    return toBatchResult({ ...batch, done: await adapters.ledger.progress(batch.id) }, null);
  }
  if (batch.status !== "complete") return toBatchResult(batch, null);
  const scored = await readScoredRows(adapters, batch);
  if (!scored) throw new ApiError("NOT_FOUND", `The rows of batch ${batchId} are no longer stored.`);
  return toBatchResult(batch, scored, await versionFacts(adapters, tenantId, scored.versions));
}

/**
 * A cached result that can be served as stored: the tenant's, final, its callback (if any)
 * settled, its predictions named. A 10,000-row result is ~0.7 MB of JSON; serving its text skips
 * a parse, a validation and a re-serialisation (≈12 ms of CPU).
 */
export function servableText(entry: CachedText | null, tenantId: string): string | null {
  return entry && entry.tenantId === tenantId && !entry.callbackPending && isNamed(entry.text) ? entry.text : null;
}

/**
 * False for a result cached before predictions carried their class name: readBatch finds it
 * invalid and rebuilds it from D1 and R2 (readers never rewrite KV; the entry expires). JSON text
 * holds `"className":` only as a key (a quote inside a string is escaped), and a result without
 * rows has none to name.
 */
function isNamed(text: string): boolean {
  return text.includes('"className":') || text.includes('"predictions":[]');
}

/** After a callback's outcome is settled, its writer refreshes the cached result (if cached). */
export async function refreshCachedCallback(adapters: Adapters, batchId: string): Promise<void> {
  const cached = await adapters.results.getResult(batchId);
  if (!cached) return;
  const batch = await adapters.batches.findBatch(cached.tenantId, batchId);
  const callback = batch ? toBatchSummary(batch).callback : undefined;
  if (callback) await adapters.results.putResult({ ...cached, result: { ...cached.result, callback } });
}
