// Producers for the queues. sendBatch takes at most 100 messages and 256 KB; the messages sent in
// groups (claim checks, retrain jobs) are a few hundred bytes, so groups of 100 respect both.
import type {
  CallbackJob,
  FeedbackEvent,
  PredictionFeedbackEvent,
  RetrainJob,
  ScoreJob,
} from "../contract/messages.ts";
import { LIMITS } from "../contract/limits.ts";

export interface JobQueues {
  /** Claim checks (~150 bytes each): up to 100 go in one sendBatch. */
  sendScoreJobs(jobs: readonly ScoreJob[]): Promise<void>;
  sendFeedback(event: FeedbackEvent | PredictionFeedbackEvent): Promise<void>;
  sendCallback(job: CallbackJob): Promise<void>;
  sendRetrainJobs(jobs: readonly RetrainJob[]): Promise<void>;
}

export interface QueueBindings {
  SCORE_QUEUE: Queue;
  FEEDBACK_QUEUE: Queue;
  CALLBACK_QUEUE: Queue;
  RETRAIN_QUEUE: Queue;
}

export function createJobQueues(env: QueueBindings): JobQueues {
  return {
    async sendScoreJobs(jobs) {
      const groups = [];
      for (let i = 0; i < jobs.length; i += LIMITS.maxSendBatchMessages) {
        groups.push(jobs.slice(i, i + LIMITS.maxSendBatchMessages));
      }
      await Promise.all(
        groups.map((group) =>
          env.SCORE_QUEUE.sendBatch(group.map((job) => ({ body: job, contentType: "json" as const }))),
        ),
      );
    },
    async sendFeedback(event) {
      await env.FEEDBACK_QUEUE.send(event, { contentType: "json" });
    },
    async sendCallback(job) {
      await env.CALLBACK_QUEUE.send(job, { contentType: "json" });
    },
    async sendRetrainJobs(jobs) {
      for (let i = 0; i < jobs.length; i += LIMITS.maxSendBatchMessages) {
        const group = jobs.slice(i, i + LIMITS.maxSendBatchMessages);
        await env.RETRAIN_QUEUE.sendBatch(group.map((body) => ({ body, contentType: "json" as const })));
      }
    },
  };
}
