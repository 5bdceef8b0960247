// What a dead letter means: a scoring chunk that could not be scored fails its batch, so
// clients see "failed" rather than waiting forever; every dead letter is logged in the audit log.
import { z } from "zod";
import { auditLog } from "../db/schema.ts";
import type { Adapters } from "../adapters/index.ts";

const WithBatch = z.object({ batchId: z.string(), tenantId: z.string().optional() });

export async function failDeadLetter(adapters: Adapters, queue: string, body: unknown): Promise<void> {
  const ref = WithBatch.safeParse(body);
  if (queue.startsWith("score-jobs") && ref.success) {
    await adapters.batches.markFailed(
      ref.data.batchId,
      "A part of this batch could not be scored after several attempts.",
    );
  }
  await adapters.db.insert(auditLog).values({
    tenantId: ref.success ? (ref.data.tenantId ?? null) : null,
    actor: "queue",
    action: "dead-letter",
    subject: ref.success ? ref.data.batchId : null,
    detail: JSON.stringify({ queue, body }).slice(0, 4000),
    at: Date.now(),
  });
}
