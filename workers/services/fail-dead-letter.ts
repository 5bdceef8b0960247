// What a dead letter means: a scoring chunk that could not be scored fails its batch, and a
// callback that could not be delivered is marked failed on its batch, so clients see the
// outcome rather than waiting forever; every dead letter is logged in the audit log.
import { z } from "zod";
import type { Adapters } from "../adapters/index.ts";
import { refreshCachedCallback } from "./read-batch.ts";

const WithBatch = z.object({ batchId: z.string(), tenantId: z.string().optional() });

export async function failDeadLetter(adapters: Adapters, queue: string, body: unknown, reason?: string): Promise<void> {
  const ref = WithBatch.safeParse(body);
  if (ref.success && queue.startsWith("score-jobs")) {
    await adapters.batches.markFailed(
      ref.data.batchId,
      reason
        ? `A part of this batch could not be scored: ${reason}`
        : "A part of this batch could not be scored after several attempts.",
    );
  }
  if (ref.success && queue.startsWith("callback-deliveries")) {
    await adapters.batches.recordCallback(ref.data.batchId, {
      status: "failed",
      error: reason ?? "not delivered after every retry",
    });
    await refreshCachedCallback(adapters, ref.data.batchId);
  }
  await adapters.audit.record({
    tenantId: ref.success ? (ref.data.tenantId ?? null) : null,
    actor: "queue",
    action: "dead-letter",
    subject: ref.success ? ref.data.batchId : null,
    detail: { queue, reason, body },
  });
}
