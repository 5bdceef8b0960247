// The queue handler: dispatches on the queue name and owns the per-message policy.
// - ack when the work is done (or provably pointless: an unknown batch);
// - retry with exponential backoff when it failed for a reason that may pass;
// - a message that does not parse is poison, and one whose work failed for good (a refused
//   input, a constraint) is permanent: both go straight to the dead-letter queue, no retry storm;
// - after max_retries the platform dead-letters it, and the dead-letter consumer fails the batch.
import type { z } from "zod";
import { CallbackJob, FeedbackQueueMessage, RetrainJob, ScoreJob } from "../contract/messages.ts";
import { createAdapters, type Adapters } from "../adapters/index.ts";
import { scoreChunk } from "../services/score-chunk.ts";
import { failDeadLetter } from "../services/fail-dead-letter.ts";
import { deliverCallback } from "../services/deliver-callback.ts";
import { recordFeedback } from "../services/record-feedback.ts";
import { isPermanent } from "../services/permanent-error.ts";
import { startRetrainJob } from "../services/fan-out-retraining.ts";

type DeadLetterQueue = keyof Pick<Env, "SCORE_DLQ" | "FEEDBACK_DLQ" | "CALLBACK_DLQ" | "RETRAIN_DLQ">;

/** A consumer: parse a message body, or hand it to the dead-letter queue; then do the work. */
interface Route {
  deadLetters: DeadLetterQueue;
  run(adapters: Adapters, body: unknown, env: Env): { ok: true; work: Promise<unknown> } | { ok: false; issue: string };
}

function route<S extends z.ZodType>(
  schema: S,
  handle: (adapters: Adapters, body: z.infer<S>, env: Env) => Promise<unknown>,
  deadLetters: DeadLetterQueue,
): Route {
  return {
    deadLetters,
    run(adapters, body, env) {
      const parsed = schema.safeParse(body);
      return parsed.success
        ? { ok: true, work: handle(adapters, parsed.data, env) }
        : { ok: false, issue: parsed.error.issues[0]?.message ?? "invalid message" };
    },
  };
}

const ROUTES: Record<string, Route> = {
  "score-jobs": route(ScoreJob, scoreChunk, "SCORE_DLQ"),
  "feedback-events": route(FeedbackQueueMessage, recordFeedback, "FEEDBACK_DLQ"),
  "callback-deliveries": route(CallbackJob, deliverCallback, "CALLBACK_DLQ"),
  "retrain-jobs": route(RetrainJob, startRetrainJob, "RETRAIN_DLQ"),
};

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
  await Promise.all(batch.messages.map((message) => handleMessage(adapters, env, batch.queue, route, message)));
}

async function handleMessage(
  adapters: Adapters,
  env: Env,
  queue: string,
  route: Route,
  message: Message<unknown>,
): Promise<void> {
  try {
    const attempt = route.run(adapters, message.body, env);
    if (!attempt.ok) {
      console.error(`poison message ${message.id}: ${attempt.issue}; dead-lettered`);
      await env[route.deadLetters].send(message.body, { contentType: "json" });
      message.ack();
      return;
    }
    await attempt.work;
    message.ack();
  } catch (error) {
    if (isPermanent(error)) {
      // Recorded now, with its reason, as the dead-letter consumer would after every retry.
      const reason = (error as Error).message;
      console.error(`message ${message.id} failed for good: ${reason}`);
      const recorded = await failDeadLetter(adapters, queue, message.body, reason).then(
        () => true,
        () => false,
      );
      if (recorded) message.ack();
      else message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      return;
    }
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
