// Flow 3: KV first; on a miss (or anything not final) D1, which is fresh, and KV is
// refreshed with a final result. Another tenant's batch is indistinguishable from none.
import type { BatchResult } from "../contract/api.ts";
import type { Adapters } from "../adapters/index.ts";
import { toBatchResult } from "./batch-result.ts";

export async function readBatch(
  adapters: Adapters,
  tenantId: string,
  batchId: string,
  defer: (work: Promise<unknown>) => void,
): Promise<BatchResult | null> {
  const cached = await adapters.results.getResult(batchId);
  if (cached) return cached.tenantId === tenantId ? cached.result : null;
  const batch = await adapters.batches.findBatch(tenantId, batchId);
  if (!batch) return null;
  if (batch.status !== "complete") return toBatchResult(batch, []);
  const result = toBatchResult(batch, await adapters.batches.readPredictions(batch.id));
  defer(adapters.results.putResult({ tenantId, result }));
  return result;
}
