// The public /v1 contract: request and response schemas (zod), the only place these shapes
// are declared (the model registry's are in models.ts, the batch reads' query strings in
// batch-queries.ts, both re-exported here). Types come from z.infer; the OpenAPI document is
// generated from these.
import { z } from "zod";
import { LIMITS } from "./limits.ts";
import { BatchStatus } from "./batch-queries.ts";
import { ERROR_CODES, type ErrorBody } from "./errors.ts";
import { SCOPES } from "./keys.ts";
import { ClassNames } from "./models.ts";

const FeatureRow = z
  .array(z.number())
  .min(1)
  .max(LIMITS.maxFeatures)
  .meta({ description: "One row of numeric features, in the model's feature order." });
const ClientId = z.string().min(1).max(LIMITS.maxIdLength);

/** Batch ids as this API issues them ("bat_" and base-36 time and randomness). */
export const BatchId = z
  .string()
  .regex(/^bat_[0-9A-Za-z_-]{1,60}$/, "not a batch id (they look like bat_mhx3k2p0a1b2c3d4e5f6)")
  .meta({ description: "A batch id from POST /v1/batches" });

export const BatchRequest = z
  .object({
    features: z.array(FeatureRow).min(1).max(LIMITS.maxBatchRows),
    ids: z.array(ClientId).optional().meta({ description: "Optional client ids, one per row, unique." }),
    callbackUrl: z
      .url({ protocol: /^https$/ })
      .max(LIMITS.maxCallbackUrlLength)
      .optional()
      .meta({
        description:
          "Public https URL that receives the signed result (no loopback, private, link-local or metadata hosts).",
      }),
  })
  .meta({ id: "BatchRequest" });
export type BatchRequest = z.infer<typeof BatchRequest>;

export const PredictRequest = z
  .object({
    features: z.array(FeatureRow).min(1).max(LIMITS.maxPredictRows),
    ids: z.array(ClientId).optional(),
    log: z.boolean().default(true).meta({
      description:
        "Record the scored rows (after the answer, never delaying it) so they can be labelled by predictionId and learned from; false opts out.",
    }),
  })
  .meta({ id: "PredictRequest" });
export type PredictRequest = z.infer<typeof PredictRequest>;

/** A row scored by POST /v1/predict: "<batch id>.<row>". */
export const PredictionId = z
  .string()
  .regex(/^bat_[0-9A-Za-z_-]{1,60}\.\d{1,5}$/, "not a prediction id (they look like bat_mhx3k2p0a1b2c3d4e5f6.0)")
  .meta({ description: "Names one scored row of POST /v1/predict, to label it later." });

export const Prediction = z
  .object({
    row: z.number().int(),
    id: z.string().optional(),
    predictionId: PredictionId.optional(),
    label: z.union([z.literal(0), z.literal(1)]),
    className: z.string().meta({
      description:
        'The name of `label` under the model version that scored the row (its classNames; "0" or "1" when it has none).',
    }),
    margin: z.number(),
    probability: z.number().min(0).max(1).nullable().meta({
      description:
        "P(label 1): the margin through the model's Platt calibration, fitted on rows it did not train on; null for a model without one.",
    }),
    modelVersion: z.string(),
    contributions: z
      .record(z.string(), z.number())
      .optional()
      .meta({ description: "Per-feature share of the margin (with ?explain=1)." }),
    feedback: z
      .union([z.literal(0), z.literal(1)])
      .nullable()
      .optional()
      .meta({
        description:
          "The row's latest saved true label, null when none was saved (with ?feedback=1; read at request time, never cached).",
      }),
  })
  .meta({ id: "Prediction" });
export type Prediction = z.infer<typeof Prediction>;

export const BatchAccepted = z
  .object({ batchId: z.string(), status: BatchStatus, rows: z.number().int(), statusUrl: z.string() })
  .meta({ id: "BatchAccepted" });
export type BatchAccepted = z.infer<typeof BatchAccepted>;

export const CallbackOutcome = z
  .object({
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
  })
  .meta({ id: "CallbackOutcome", description: "The signed result callback, when one was asked for." });
export type CallbackOutcome = z.infer<typeof CallbackOutcome>;

export const BatchSummary = z
  .object({
    batchId: z.string(),
    status: BatchStatus,
    rows: z.number().int(),
    done: z.number().int(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    error: z.string().nullable(),
    callback: CallbackOutcome.optional(),
    // Optional (not defaulted) because a result cached in KV before these fields existed is
    // served as its stored text: it lacks them until it expires, and the document says so.
    source: z.string().optional().meta({
      description:
        'Who sent the batch: "api", "dashboard" (sent with X-Client: dashboard) or "predict" (rows logged by POST /v1/predict). Absent only on results cached before it was reported.',
    }),
    positives: z.number().int().nullable().optional().meta({
      description:
        "Rows predicted 1, recorded when the batch completed; null until then (and for batches completed before it was recorded).",
    }),
    modelVersion: z.string().nullable().optional().meta({
      description:
        "The model version that scored most of the batch's rows (the first on a tie; a promotion can land between chunks), recorded when it completed; null until then.",
    }),
  })
  .meta({ id: "BatchSummary" });
export type BatchSummary = z.infer<typeof BatchSummary>;

export const BatchResult = BatchSummary.extend({ predictions: z.array(Prediction) }).meta({ id: "BatchResult" });
export type BatchResult = z.infer<typeof BatchResult>;

export const BatchList = z
  .object({ batches: z.array(BatchSummary), nextCursor: z.string().nullable() })
  .meta({ id: "BatchList" });
export type BatchList = z.infer<typeof BatchList>;

export const PredictResponse = z.object({ predictions: z.array(Prediction) }).meta({ id: "PredictResponse" });
export type PredictResponse = z.infer<typeof PredictResponse>;

export const Health = z
  .object({ status: z.literal("ok"), version: z.string() })
  .meta({ id: "Health", description: "The build that runs. Models belong to tenants: GET /v1/me shows yours." });
export type Health = z.infer<typeof Health>;

/** The one error body (contract/errors.ts): its code is one of a closed list. */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES as [ErrorBody["error"]["code"], ...ErrorBody["error"]["code"][]]),
      message: z.string(),
      requestId: z.string(),
    }),
  })
  .meta({ id: "Error" }) satisfies z.ZodType<ErrorBody>;

const Label = z.union([z.literal(0), z.literal(1)]);

export const FeedbackRequest = z
  .object({
    rows: z
      .array(z.number().int().min(0))
      .min(1)
      .max(LIMITS.maxFeedbackLabels)
      .optional()
      .meta({ description: "Row indexes of the batch." }),
    ids: z
      .array(ClientId)
      .min(1)
      .max(LIMITS.maxFeedbackLabels)
      .optional()
      .meta({ description: "Client ids, instead of row indexes." }),
    labels: z
      .array(Label)
      .min(1)
      .max(LIMITS.maxFeedbackLabels)
      .meta({ description: "The true label of each row, in the same order." }),
  })
  .refine((body) => (body.rows === undefined) !== (body.ids === undefined), "give either rows or ids, not both")
  .meta({ id: "FeedbackRequest" });
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;

export const PredictionFeedbackRequest = z
  .object({
    predictionIds: z.array(PredictionId).min(1).max(LIMITS.maxFeedbackLabels),
    labels: z
      .array(Label)
      .min(1)
      .max(LIMITS.maxFeedbackLabels)
      .meta({ description: "The true label of each prediction, in the same order." }),
  })
  .meta({ id: "PredictionFeedbackRequest" });
export type PredictionFeedbackRequest = z.infer<typeof PredictionFeedbackRequest>;

export const FeedbackAccepted = z
  .object({
    batchId: z.string().optional().meta({ description: "The batch labelled (absent when labelling predictionIds)." }),
    accepted: z.number().int(),
    duplicate: z.boolean().optional(),
  })
  .meta({ id: "FeedbackAccepted" });
export type FeedbackAccepted = z.infer<typeof FeedbackAccepted>;

export const WebhookFeedback = z
  .object({
    type: z.literal("feedback.labels"),
    tenant: z.string().min(1).max(64),
    data: z.union([
      z.object({
        batchId: BatchId,
        rows: z.array(z.number().int().min(0)).min(1).max(LIMITS.maxFeedbackLabels).optional(),
        ids: z.array(ClientId).min(1).max(LIMITS.maxFeedbackLabels).optional(),
        labels: z.array(Label).min(1).max(LIMITS.maxFeedbackLabels),
      }),
      PredictionFeedbackRequest,
    ]),
  })
  .meta({
    id: "WebhookFeedback",
    description: "Signed with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).",
  });
export type WebhookFeedback = z.infer<typeof WebhookFeedback>;

export const TenantModel = z
  .object({
    active: z.boolean(),
    version: z.string().nullable(),
    featureNames: z.array(z.string()),
    classNames: ClassNames,
    error: z.string().optional().meta({ description: "Why the newest champion cannot be served, if it cannot." }),
    hint: z.string().optional().meta({ description: "What to do when no model is active." }),
  })
  .meta({ id: "TenantModel" });
export type TenantModel = z.infer<typeof TenantModel>;

export const Me = z
  .object({
    tenant: z.string(),
    keyId: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    model: TenantModel,
  })
  .meta({ id: "Me" });
export type Me = z.infer<typeof Me>;

export * from "./models.ts";
export * from "./batch-queries.ts";
