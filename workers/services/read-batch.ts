// Flow 3: KV first; on a miss (or anything not final) D1, which is fresh, and KV is
// refreshed with a final result. A final result whose callback is still pending takes the
// callback's outcome from D1 (one row). Another tenant's batch is indistinguishable from none.
import type { BatchResult } from "../contract/api.ts";
import type { Adapters } from "../adapters/index.ts";
import { toBatchResult, toBatchSummary } from "./batch-result.ts";

export async function readBatch(
  adapters: Adapters,
  tenantId: string,
  batchId: string,
  defer: (work: Promise<unknown>) => void,
): Promise<BatchResult | null> {
  const cached = await adapters.results.getResult(batchId);
  if (cached) {
    if (cached.tenantId !== tenantId) return null;
    const callback = cached.result.callback;
    if (callback === undefined || callback.status !== "pending") return cached.result;
    // The result is final but its callback is still under way: its outcome lives in D1.
    const batch = await adapters.batches.findBatch(tenantId, batchId);
    const fresh = batch ? toBatchSummary(batch).callback : undefined;
    if (fresh && fresh.status !== "pending")
      defer(adapters.results.putResult({ tenantId, result: { ...cached.result, callback: fresh } }));
    return { ...cached.result, ...(fresh ? { callback: fresh } : {}) };
  }
  const batch = await adapters.batches.findBatch(tenantId, batchId);
  if (!batch) return null;
  if (batch.status !== "complete") return toBatchResult(batch, []);
  const result = toBatchResult(batch, await adapters.batches.readPredictions(batch.id));
  defer(adapters.results.putResult({ tenantId, result }));
  return result;
}
