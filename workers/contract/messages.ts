// Queue message schemas. Every consumer parses its messages with these: a message that
// does not parse is poison and goes to the dead-letter queue, never half-processed.
import { z } from "zod";

export const ScoreJob = z.object({
  kind: z.literal("score"),
  tenantId: z.string(),
  batchId: z.string(),
  chunk: z.number().int().min(0),
  offset: z.number().int().min(0),
  features: z.array(z.array(z.number())).min(1),
  ids: z.array(z.string()).optional(),
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
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;

export const QueueMessage = z.discriminatedUnion("kind", [ScoreJob, CallbackJob, FeedbackEvent]);
export type QueueMessage = z.infer<typeof QueueMessage>;
