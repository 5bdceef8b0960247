// Every size limit of the API in one place. Caps bound memory, not only bytes: a body is read
// under a byte cap, and its JSON is counted (containers and values) before JSON.parse builds
// anything, so no accepted or refused body can hold more than a few tens of MB of an isolate's
// 128 MB (`npm run bench:memory` prints the peak heap of the worst cases).
import { MAX_ABS_FEATURE } from "../../model/feature-bounds.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

const maxBatchRows = 10_000;
const maxPredictRows = 100;
const maxFeatures = 1_000;
// Cells of one batch: 10,000 rows × 50 features, or fewer rows of more features. What a batch
// costs while it is decoded, validated and chunked grows with its cells (`npm run bench:memory`
// prints the peak of the largest one); the cap also keeps 16 MiB of "[0]," (≈256 MB parsed) out.
const maxBatchCells = 500_000;
const maxFeedbackLabels = 10_000;

export const LIMITS = {
  maxBatchRows,
  maxPredictRows,
  maxFeatures,
  maxBatchCells,
  maxFeedbackLabels,
  /** |x| above this is refused at ingest, predict and publish, and skipped by training. */
  maxAbsFeatureValue: MAX_ABS_FEATURE,
  maxIdLength: 128,
  maxIdempotencyKeyLength: 255,
  maxCallbackUrlLength: 2048,
  // Cells one score-job invocation reads from R2 and scores: 2 MiB of float64, a few ms of CPU.
  // A 10,000 × 20 batch is one chunk; the largest batch (500,000 cells) is two.
  maxChunkCells: 262_144,
  // Queue messages are capped at 128 KB (bytes, not UTF-16 units); chunks aim for 96 KiB.
  maxChunkBytes: 96 * KiB,
  maxQueueMessageBytes: 120 * KiB,
  // sendBatch takes at most 100 messages and 256 KB.
  maxSendBatchMessages: 100,
  maxSendBatchBytes: 240 * KiB,
  maxPageSize: 100,
} as const;

/** The caps one route puts on a request body (read by codecs/decode-body.ts). */
export interface BodyLimits {
  maxEncodedBytes: number;
  maxDecodedBytes: number;
  /** Above this many decoded bytes a compressed body may expand at most maxRatio times. */
  ratioCheckAfterBytes: number;
  maxRatio: number;
  /** Arrays and objects the JSON may hold. */
  maxContainers: number;
  /** Values the JSON may hold (each element and each member counts one). */
  maxValues: number;
}

// Above this many decoded bytes a compressed body may expand at most 200 times.
const ratio = { ratioCheckAfterBytes: 1 * MiB, maxRatio: 200 };

/** Per-route body caps: encoded and decoded bytes, and the JSON's containers and values. */
export const BODY_LIMITS = {
  batch: {
    ...ratio,
    maxEncodedBytes: 4 * MiB,
    // 500,000 full-precision doubles (≈20 bytes each) and 10,000 ids of 128 characters.
    maxDecodedBytes: 12 * MiB,
    maxContainers: maxBatchRows + 16,
    maxValues: maxBatchCells + maxBatchRows + 64,
  },
  predict: {
    ...ratio,
    maxEncodedBytes: 1 * MiB,
    maxDecodedBytes: 4 * MiB,
    maxContainers: maxPredictRows + 16,
    maxValues: maxPredictRows * maxFeatures + maxPredictRows + 64,
  },
  feedback: {
    ...ratio,
    maxEncodedBytes: 1 * MiB,
    maxDecodedBytes: 2 * MiB,
    maxContainers: 16,
    maxValues: 2 * maxFeedbackLabels + 64,
  },
  // 10,000 prediction ids of up to 71 characters and their labels.
  predictionFeedback: {
    ...ratio,
    maxEncodedBytes: 1 * MiB,
    maxDecodedBytes: 2 * MiB,
    maxContainers: 16,
    maxValues: 2 * maxFeedbackLabels + 64,
  },
  // Webhooks are signed over their exact bytes, so they come uncompressed.
  webhook: {
    ...ratio,
    maxEncodedBytes: 2 * MiB,
    maxDecodedBytes: 2 * MiB,
    maxContainers: 16,
    maxValues: 2 * maxFeedbackLabels + 64,
  },
  // Admin only: a model artifact and, optionally, its training CSV as one string.
  publish: {
    ...ratio,
    maxEncodedBytes: 8 * MiB,
    maxDecodedBytes: 16 * MiB,
    maxContainers: 10 * maxFeatures + 64,
    maxValues: 40 * maxFeatures + 256,
  },
  small: { ...ratio, maxEncodedBytes: 4 * KiB, maxDecodedBytes: 4 * KiB, maxContainers: 16, maxValues: 64 },
} as const satisfies Record<string, BodyLimits>;

/** The classes of per-key rate limits: one per scope (a route needing any key counts as read). */
export type RateLimitClass = "ingest" | "read" | "feedback" | "admin";

/**
 * Requests one API key may make per period, by class. The Workers Rate Limiting bindings enforce
 * them and fix them in wrangler.toml ([[ratelimits]], where the numbers are explained); this copy
 * is what the code and the docs can read (a binding tells neither), and a test compares the two.
 */
export const RATE_LIMITS = {
  ingest: { limit: 200, periodSeconds: 10 },
  read: { limit: 300, periodSeconds: 10 },
  feedback: { limit: 60, periodSeconds: 10 },
  admin: { limit: 60, periodSeconds: 60 },
} as const satisfies Record<RateLimitClass, { limit: number; periodSeconds: 10 | 60 }>;

export type RateLimitTable = Record<RateLimitClass, { limit: number; periodSeconds: number }>;
