// Queue message schemas. Every consumer parses its messages with these: a message that
// does not parse is poison and goes to the dead-letter queue, never half-processed.
import { z } from "zod";

/**
 * Score rows [offset, offset + rows) of a batch. A claim check: the rows are in R2 (written
 * before the batch was accepted), so a message is ~150 bytes whatever the batch's size.
 */
export const ScoreJob = z.object({
  kind: z.literal("score"),
  tenantId: z.string(),
  batchId: z.string(),
  chunk: z.number().int().min(0),
  chunks: z.number().int().min(1),
  offset: z.number().int().min(0),
  rows: z.number().int().min(1),
});
export type ScoreJob = z.infer<typeof ScoreJob>;

export const CallbackJob = z.object({
  kind: z.literal("callback"),
  tenantId: z.string(),
  batchId: z.string(),
  url: z.url(),
});
export type CallbackJob = z.infer<typeof CallbackJob>;

export const FeedbackEvent = z.object({
  kind: z.literal("feedback"),
  tenantId: z.string(),
  batchId: z.string(),
  rows: z.array(z.number().int().min(0)).min(1),
  labels: z.array(z.union([z.literal(0), z.literal(1)])).min(1),
  source: z.enum(["dashboard", "api", "webhook"]),
  labelledAt: z.number().int(),
});

/** Labels for rows of several batches at once (predictions labelled by predictionId). */
export const PredictionFeedbackEvent = z.object({
  kind: z.literal("prediction-feedback"),
  tenantId: z.string(),
  entries: z
    .array(
      z.object({ batchId: z.string(), row: z.number().int().min(0), label: z.union([z.literal(0), z.literal(1)]) }),
    )
    .min(1),
  source: z.enum(["api", "webhook"]),
  labelledAt: z.number().int(),
});
export type PredictionFeedbackEvent = z.infer<typeof PredictionFeedbackEvent>;

export const FeedbackQueueMessage = z.discriminatedUnion("kind", [FeedbackEvent, PredictionFeedbackEvent]);
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;

export const RetrainJob = z.object({
  kind: z.literal("retrain"),
  tenantId: z.string(),
  requestedAt: z.number().int(),
});
export type RetrainJob = z.infer<typeof RetrainJob>;

export const QueueMessage = z.discriminatedUnion("kind", [
  ScoreJob,
  CallbackJob,
  FeedbackEvent,
  PredictionFeedbackEvent,
  RetrainJob,
]);
export type QueueMessage = z.infer<typeof QueueMessage>;
