// Feedback: POST /v1/batches/:id/feedback (API key, `feedback` scope) and
// POST /v1/webhooks/feedback (Standard Webhooks signature with the tenant's secret).
import { Hono } from "hono";
import {
  FeedbackRequest,
  PredictionFeedbackRequest,
  WebhookFeedback,
  type FeedbackAccepted,
} from "../../contract/api.ts";
import { ApiError } from "../../contract/errors.ts";
import { BODY_LIMITS } from "../../contract/limits.ts";
import { decodeJsonBody } from "../../codecs/decode-body.ts";
import { createWebhookSecret, verifyWebhook } from "../../codecs/standard-webhooks.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { submitFeedback } from "../../services/submit-feedback.ts";
import { submitPredictionFeedback } from "../../services/submit-prediction-feedback.ts";
import { requireScope } from "../authenticate.ts";
import type { AppEnv } from "../app-env.ts";
import { batchIdParam } from "../params.ts";

const WEBHOOK_REFUSED =
  "The webhook does not verify: sign it with the tenant's secret (Standard Webhooks headers webhook-id, " +
  "webhook-timestamp within five minutes, webhook-signature).";

export const feedbackRoutes = new Hono<AppEnv>()
  .post("/batches/:id/feedback", requireScope("feedback"), async (c) => {
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
  .post("/predictions/feedback", requireScope("feedback"), async (c) => {
    const { value } = await decodeJsonBody(c.req.raw, BODY_LIMITS.predictionFeedback);
    const body = parseRequest(PredictionFeedbackRequest, value);
    const accepted = await submitPredictionFeedback(c.get("adapters"), c.get("principal").tenantId, {
      ...body,
      source: "api",
      labelledAt: Date.now(),
    });
    return c.json({ accepted } satisfies FeedbackAccepted, 202);
  })
  .post("/webhooks/feedback", async (c) => {
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
