// An Env whose queue producers record instead of sending, for asserting what was enqueued.
import { env } from "cloudflare:workers";

export interface Recorded {
  queue: string;
  body: unknown;
}

export function recordingEnv(overrides: Partial<typeof env> = {}): { env: typeof env; sent: Recorded[] } {
  const sent: Recorded[] = [];
  const producer = (queue: string) =>
    ({
      send: async (body: unknown) => void sent.push({ queue, body }),
      sendBatch: async (messages: Iterable<{ body: unknown }>) => {
        for (const m of messages) sent.push({ queue, body: m.body });
      },
    }) as unknown as Queue;
  return {
    sent,
    env: {
      ...env,
      SCORE_QUEUE: producer("score-jobs"),
      FEEDBACK_QUEUE: producer("feedback-events"),
      CALLBACK_QUEUE: producer("callback-deliveries"),
      SCORE_DLQ: producer("score-jobs-dlq"),
      FEEDBACK_DLQ: producer("feedback-events-dlq"),
      CALLBACK_DLQ: producer("callback-deliveries-dlq"),
      RETRAIN_QUEUE: producer("retrain-jobs"),
      RETRAIN_DLQ: producer("retrain-jobs-dlq"),
      ...overrides,
    },
  };
}
