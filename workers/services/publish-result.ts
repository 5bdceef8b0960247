// When a batch completes: its result goes to KV (the fast read path) and, if the client
// asked for one, a signed callback is queued. Both are idempotent, so a redelivered final
// chunk may publish again harmlessly (callback receivers dedupe on the webhook id).
import type { Adapters } from "../adapters/index.ts";
import type { BatchRecord } from "../adapters/batch-store.ts";
import { versionFacts } from "./version-facts.ts";
import { toBatchResult } from "./batch-result.ts";
import type { ScoredRows } from "./scored-rows.ts";

export async function publishResult(adapters: Adapters, batch: BatchRecord, scored: ScoredRows | null): Promise<void> {
  if (!scored) {
    console.error(`batch ${batch.id} is complete but its rows are not in storage: nothing to publish`);
    return;
  }
  await adapters.results.putResult({
    tenantId: batch.tenantId,
    result: toBatchResult(batch, scored, await versionFacts(adapters, batch.tenantId, scored.versions)),
  });
  if (batch.callbackUrl) {
    await adapters.queues.sendCallback({
      kind: "callback",
      tenantId: batch.tenantId,
      batchId: batch.id,
      url: batch.callbackUrl,
    });
  }
}
