// The queue handler: dispatches on the queue name and owns the per-message policy.
// - ack when the work is done (or provably pointless: an unknown batch);
// - retry with exponential backoff when it failed for a reason that may pass;
// - a message that does not parse is poison: it goes straight to the dead-letter queue;
// - after max_retries the platform dead-letters it, and the dead-letter consumer fails the batch.
import type { z } from "zod";
import { CallbackJob, FeedbackEvent, ScoreJob } from "../contract/messages.ts";
import { createAdapters, type Adapters } from "../adapters/index.ts";
import { scoreChunk } from "../services/score-chunk.ts";
import { failDeadLetter } from "../services/fail-dead-letter.ts";
import { deliverCallback } from "../services/deliver-callback.ts";
import { recordFeedback } from "../services/record-feedback.ts";

interface Route<S extends z.ZodType> {
  schema: S;
  handle: (adapters: Adapters, body: z.infer<S>) => Promise<unknown>;
  deadLetters: keyof Pick<Env, "SCORE_DLQ" | "FEEDBACK_DLQ" | "CALLBACK_DLQ">;
}

const ROUTES: Record<string, Route<z.ZodType>> = {
  "score-jobs": { schema: ScoreJob, handle: scoreChunk, deadLetters: "SCORE_DLQ" } as Route<typeof ScoreJob>,
  "feedback-events": { schema: FeedbackEvent, handle: recordFeedback, deadLetters: "FEEDBACK_DLQ" } as Route<
    typeof FeedbackEvent
  >,
  "callback-deliveries": { schema: CallbackJob, handle: deliverCallback, deadLetters: "CALLBACK_DLQ" } as Route<
    typeof CallbackJob
  >,
} as Record<string, Route<z.ZodType>>;

export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const adapters = createAdapters(env);
  if (batch.queue.endsWith("-dlq")) {
    await Promise.all(batch.messages.map((message) => handleDeadLetter(adapters, batch.queue, message)));
    return;
  }
  const route = ROUTES[batch.queue];
  if (!route) {
    console.error(`no consumer for queue ${batch.queue}; retrying ${batch.messages.length} messages`);
    batch.retryAll({ delaySeconds: 60 });
    return;
  }
  await Promise.all(batch.messages.map((message) => handleMessage(adapters, env, route, message)));
}

async function handleMessage(
  adapters: Adapters,
  env: Env,
  route: Route<z.ZodType>,
  message: Message<unknown>,
): Promise<void> {
  const parsed = route.schema.safeParse(message.body);
  if (!parsed.success) {
    console.error(`poison message ${message.id}: ${parsed.error.issues[0]?.message}; dead-lettered`);
    await env[route.deadLetters].send(message.body, { contentType: "json" });
    message.ack();
    return;
  }
  try {
    await route.handle(adapters, parsed.data);
    message.ack();
  } catch (error) {
    const delaySeconds = backoffSeconds(message.attempts);
    console.warn(`message ${message.id} failed (attempt ${message.attempts}), retrying in ${delaySeconds}s:`, error);
    message.retry({ delaySeconds });
  }
}

async function handleDeadLetter(adapters: Adapters, queue: string, message: Message<unknown>): Promise<void> {
  try {
    await failDeadLetter(adapters, queue, message.body);
    message.ack();
  } catch (error) {
    console.error(`dead letter ${message.id} could not be recorded:`, error);
    message.retry({ delaySeconds: backoffSeconds(message.attempts) });
  }
}

/** 2, 4, 8, … seconds, capped at five minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(1, attempts));
}
