// Flow 3: KV first; on a miss (or anything not final) D1, which is fresh. Readers never write KV:
// only the publisher does. A final result whose callback is still under way takes the
// callback's outcome from D1 (one row). Another tenant's batch is indistinguishable from none.
import type { BatchResult } from "../contract/api.ts";
import type { Adapters } from "../adapters/index.ts";
import { toBatchResult, toBatchSummary } from "./batch-result.ts";

export async function readBatch(adapters: Adapters, tenantId: string, batchId: string): Promise<BatchResult | null> {
  const cached = await adapters.results.getResult(batchId);
  if (cached) {
    if (cached.tenantId !== tenantId) return null;
    if (cached.result.callback?.status !== "pending") return cached.result;
    const batch = await adapters.batches.findBatch(tenantId, batchId);
    const callback = batch ? toBatchSummary(batch).callback : undefined;
    return { ...cached.result, ...(callback ? { callback } : {}) };
  }
  const batch = await adapters.batches.findBatch(tenantId, batchId);
  if (!batch) return null;
  if (batch.status !== "complete") return toBatchResult(batch, []);
  return toBatchResult(batch, await adapters.batches.readPredictions(batch.id));
}

/** After a callback's outcome is settled, its writer refreshes the cached result (if cached). */
export async function refreshCachedCallback(adapters: Adapters, batchId: string): Promise<void> {
  const cached = await adapters.results.getResult(batchId);
  if (!cached) return;
  const batch = await adapters.batches.findBatch(cached.tenantId, batchId);
  const callback = batch ? toBatchSummary(batch).callback : undefined;
  if (callback) await adapters.results.putResult({ ...cached, result: { ...cached.result, callback } });
}
