// A stand-in for job-queues.ts that keeps what was sent, for services run on memory adapters: a
// test reads the messages and hands them to the consumer it means to run, when it chooses. Each
// message is kept as it would travel (contentType "json": a JSON round trip), so a producer that
// changes a job after sending it cannot change what was sent. Nothing is delivered by itself.
import type {
  CallbackJob,
  FeedbackEvent,
  PredictionFeedbackEvent,
  RetrainJob,
  ScoreJob,
} from "../../contract/messages.ts";
import type { JobQueues } from "../job-queues.ts";

export interface RecordingJobQueues extends JobQueues {
  /** Every message sent, oldest first, per queue. */
  sent: {
    score: ScoreJob[];
    feedback: (FeedbackEvent | PredictionFeedbackEvent)[];
    callback: CallbackJob[];
    retrain: RetrainJob[];
  };
}

const asSent = <T>(message: T): T => JSON.parse(JSON.stringify(message)) as T;

export function createRecordingJobQueues(): RecordingJobQueues {
  const sent: RecordingJobQueues["sent"] = { score: [], feedback: [], callback: [], retrain: [] };
  return {
    sent,
    async sendScoreJobs(jobs) {
      sent.score.push(...jobs.map(asSent));
    },
    async sendFeedback(event) {
      sent.feedback.push(asSent(event));
    },
    async sendCallback(job) {
      sent.callback.push(asSent(job));
    },
    async sendRetrainJobs(jobs) {
      sent.retrain.push(...jobs.map(asSent));
    },
  };
}
