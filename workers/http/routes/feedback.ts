// Feedback: POST /v1/batches/:id/feedback (API key, `feedback` scope) and
// POST /v1/webhooks/feedback (Standard Webhooks signature with the tenant's secret).
import { z } from "zod";
import {
  BatchId,
  FeedbackAccepted,
  FeedbackRequest,
  PredictionFeedbackRequest,
  WebhookFeedback,
} from "../../contract/api.ts";
import { ApiError } from "../../contract/errors.ts";
import { BODY_LIMITS } from "../../contract/limits.ts";
import { decodeJsonBody } from "../../codecs/decode-body.ts";
import { createWebhookSecret, verifyWebhook } from "../../codecs/standard-webhooks.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { submitFeedback } from "../../services/submit-feedback.ts";
import { submitPredictionFeedback } from "../../services/submit-prediction-feedback.ts";
import { apiRoute, apiRouter, BODY_ERRORS } from "../api-route.ts";
import { batchIdParam } from "../params.ts";

const queued = { description: "Queued for recording", schema: FeedbackAccepted };

const batchFeedback = apiRoute({
  method: "post",
  path: "/batches/{id}/feedback",
  operationId: "sendBatchFeedback",
  tags: ["Feedback"],
  summary: "Send the true labels of scored rows (by row index or client id); the latest label wins",
  scope: "feedback",
  params: z.object({ id: BatchId }),
  body: { "application/json": { component: "FeedbackRequest", example: { rows: [0, 1], labels: [0, 1] } } },
  ok: { status: 202, ...queued, example: { batchId: "bat_mx67060m4c5dc77ed9ef", accepted: 2 } },
  errors: [...BODY_ERRORS, "INVALID_REQUEST", "NOT_FOUND", "UNKNOWN_ROWS", "ENQUEUE_FAILED"],
});

const predictionFeedback = apiRoute({
  method: "post",
  path: "/predictions/feedback",
  operationId: "sendPredictionFeedback",
  tags: ["Feedback"],
  summary: "Send the true labels of rows scored by POST /v1/predict, by their predictionIds",
  description:
    "A prediction is recorded about a second after its answer; until then its id is refused as unknown. Every id is checked before anything is queued.",
  scope: "feedback",
  body: {
    "application/json": {
      component: "PredictionFeedbackRequest",
      example: { predictionIds: ["bat_mx67060m4c5dc77ed9ef.0"], labels: [1] },
    },
  },
  ok: { status: 202, ...queued, example: { accepted: 2 } },
  errors: [...BODY_ERRORS, "INVALID_REQUEST", "UNKNOWN_ROWS", "ENQUEUE_FAILED"],
});

const webhook = apiRoute({
  method: "post",
  path: "/webhooks/feedback",
  operationId: "receiveFeedbackWebhook",
  tags: ["Feedback"],
  summary: "Feedback from another system, signed with Standard Webhooks and the tenant's secret",
  description:
    "Verified with webhook-id, webhook-timestamp (five-minute tolerance) and webhook-signature (v1, HMAC-SHA256). Every verification failure, a missing header included, gets the same 401, so tenant names cannot be probed. A replayed webhook-id is answered 200 and not applied again.",
  scope: null,
  // Not validated here: a missing header must get the same 401 as a bad signature.
  headers: z.object({
    "webhook-id": z.string().optional().describe("Required for verification"),
    "webhook-timestamp": z.string().optional().describe("Required for verification: Unix seconds"),
    "webhook-signature": z.string().optional().describe("Required for verification: v1,<base64 HMAC-SHA256>"),
  }),
  body: {
    "application/json": {
      component: "WebhookFeedback",
      example: {
        type: "feedback.labels",
        tenant: "demo",
        data: { batchId: "bat_mx67060m4c5dc77ed9ef", rows: [0, 3], labels: [1, 0] },
      },
    },
  },
  ok: { status: [202, 200], ...queued, description: "Queued for recording (200: a replayed webhook-id)" },
  errors: ["INVALID_SIGNATURE", ...BODY_ERRORS, "INVALID_REQUEST", "NOT_FOUND", "UNKNOWN_ROWS", "ENQUEUE_FAILED"],
});

const WEBHOOK_REFUSED =
  "The webhook does not verify: sign it with the tenant's secret (Standard Webhooks headers webhook-id, " +
  "webhook-timestamp within five minutes, webhook-signature).";

export const feedbackRoutes = apiRouter()
  .openapi(batchFeedback, async (c) => {
    const batchId = batchIdParam(c);
    const { value } = await decodeJsonBody(c.req.raw, BODY_LIMITS.feedback);
    const body = parseRequest(FeedbackRequest, value);
    const accepted = await submitFeedback(c.get("adapters"), c.get("principal").tenantId, batchId, {
      ...body,
      source: c.req.header("x-client") === "dashboard" ? "dashboard" : "api",
      labelledAt: Date.now(),
    });
    return c.json({ batchId, accepted } satisfies FeedbackAccepted, 202);
  })
  .openapi(predictionFeedback, async (c) => {
    const { value } = await decodeJsonBody(c.req.raw, BODY_LIMITS.predictionFeedback);
    const body = parseRequest(PredictionFeedbackRequest, value);
    const accepted = await submitPredictionFeedback(c.get("adapters"), c.get("principal").tenantId, {
      ...body,
      source: "api",
      labelledAt: Date.now(),
    });
    return c.json({ accepted } satisfies FeedbackAccepted, 202);
  })
  .openapi(webhook, async (c) => {
    const adapters = c.get("adapters");
    // Read under the same caps as every body (no key is needed here, so this matters most).
    const { value: envelope, text: raw = "" } = await decodeJsonBody(c.req.raw, BODY_LIMITS.webhook, {
      compressed: false,
      keepText: true,
    });
    const tenantName = (envelope as { tenant?: unknown } | null)?.tenant;
    const tenant = typeof tenantName === "string" ? await adapters.keys.findTenantByName(tenantName) : null;
    // An unknown tenant is checked against a throwaway secret, so it costs what a known one costs.
    const secrets = tenant
      ? [tenant.webhookSecret, tenant.previousWebhookSecret].filter((s) => s !== null)
      : [createWebhookSecret()];
    const verdict = await verifyWebhook(
      secrets,
      {
        id: c.req.header("webhook-id") ?? null,
        timestamp: c.req.header("webhook-timestamp") ?? null,
        signature: c.req.header("webhook-signature") ?? null,
      },
      raw,
      Math.floor(Date.now() / 1000),
    );
    // One answer for every failure (unknown tenant, missing headers, timestamp, signature):
    // probing must not tell which tenant names exist.
    if (!tenant || !verdict.ok) throw new ApiError("INVALID_SIGNATURE", WEBHOOK_REFUSED);
    const { data } = parseRequest(WebhookFeedback, envelope);
    const batchId = "batchId" in data ? data.batchId : undefined;
    const webhookId = c.req.header("webhook-id") ?? "";
    if (!(await adapters.webhookIds.claim(tenant.id, webhookId))) {
      return c.json({ batchId, accepted: 0, duplicate: true } satisfies FeedbackAccepted, 200);
    }
    try {
      const labelledAt = Number(c.req.header("webhook-timestamp")) * 1000;
      const accepted =
        "predictionIds" in data
          ? await submitPredictionFeedback(adapters, tenant.id, { ...data, source: "webhook", labelledAt })
          : await submitFeedback(adapters, tenant.id, data.batchId, { ...data, source: "webhook", labelledAt });
      return c.json({ batchId, accepted } satisfies FeedbackAccepted, 202);
    } catch (error) {
      // Not processed, so a retry with the same id must be processed, not taken for a replay.
      await adapters.webhookIds.release(tenant.id, webhookId);
      throw error;
    }
  });
