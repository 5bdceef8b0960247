// Producers for the three queues. sendBatch takes at most 100 messages and 256 KB, so
// messages are grouped under both limits before sending.
import type {
  CallbackJob,
  FeedbackEvent,
  PredictionFeedbackEvent,
  RecordJob,
  RetrainJob,
  ScoreJob,
} from "../contract/messages.ts";
import { LIMITS } from "../contract/limits.ts";

export interface JobQueues {
  /** Sends jobs whose serialised sizes are known (`bytes`), in parallel groups. */
  /** Claim checks (~150 bytes each): up to 100 go in one sendBatch. */
  sendScoreJobs(jobs: readonly ScoreJob[]): Promise<void>;
  sendPredictionLogs(jobs: readonly { job: RecordJob; bytes: number }[]): Promise<void>;
  sendFeedback(event: FeedbackEvent | PredictionFeedbackEvent): Promise<void>;
  sendCallback(job: CallbackJob): Promise<void>;
  sendRetrainJobs(jobs: readonly RetrainJob[]): Promise<void>;
}

export interface QueueBindings {
  SCORE_QUEUE: Queue;
  FEEDBACK_QUEUE: Queue;
  CALLBACK_QUEUE: Queue;
  RETRAIN_QUEUE: Queue;
  PREDICTION_LOG_QUEUE: Queue;
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
    async sendPredictionLogs(jobs) {
      await Promise.all(
        groupForSendBatch(jobs).map((group) =>
          env.PREDICTION_LOG_QUEUE.sendBatch(group.map(({ job }) => ({ body: job, contentType: "json" as const }))),
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

export function groupForSendBatch<T extends { bytes: number }>(messages: readonly T[]): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.bytes;
    if (
      current.length > 0 &&
      (current.length >= LIMITS.maxSendBatchMessages || bytes + size > LIMITS.maxSendBatchBytes)
    ) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
