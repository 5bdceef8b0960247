// The OpenAPI 3.1 document, generated from the zod contract by @asteasolutions/zod-to-openapi
// (never written by hand), and the paths it describes.
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import pkg from "../../package.json" with { type: "json" };
import * as api from "../contract/api.ts";
import { VersionSchema } from "../../model/index.ts";

type Scope = "ingest" | "read" | "feedback" | "admin" | null;
interface PathDoc extends Omit<RouteConfig, "responses"> {
  scope: Scope;
  ok: { status: number; description: string; schema?: z.ZodType; contentType?: string };
}

const BatchIdParam = z.object({ id: api.BatchId });

export const PATHS: PathDoc[] = [
  {
    method: "get",
    path: "/v1/health",
    summary: "The build that runs (models belong to tenants: see /v1/me)",
    scope: null,
    ok: { status: 200, description: "The Worker is up", schema: api.Health },
  },
  {
    method: "get",
    path: "/v1/me",
    summary: "The tenant, id and scopes of the calling API key, and the state of the tenant's model",
    scope: null,
    description: "Needs any valid key.",
    ok: { status: 200, description: "The key's identity", schema: api.Me },
  },
  {
    method: "post",
    path: "/v1/batches",
    summary:
      "Submit a batch of feature rows for scoring: JSON, or an Arrow IPC stream with one numeric column per feature (any order) and an optional utf8 id column; gzip, deflate or plain",
    scope: "ingest",
    request: {
      headers: z.object({
        "content-encoding": z.enum(["gzip", "deflate", "identity"]).optional(),
        "idempotency-key": z.string().max(255).optional(),
      }),
      query: z.object({ callbackUrl: z.string().optional().describe("For Arrow bodies: where to POST the result") }),
      body: {
        content: {
          "application/json": { schema: api.BatchRequest },
          "application/vnd.apache.arrow.stream": { schema: z.string().meta({ format: "binary" }) },
        },
      },
    },
    ok: {
      status: 202,
      description: "Accepted; poll statusUrl (200 when an Idempotency-Key replays)",
      schema: api.BatchAccepted,
    },
  },
  {
    method: "get",
    path: "/v1/batches",
    summary: "List this tenant's batches, newest first",
    scope: "read",
    request: { query: api.ListQuery },
    ok: { status: 200, description: "One page", schema: api.BatchList },
  },
  {
    method: "get",
    path: "/v1/batches/{id}",
    summary: "A batch's status and, once complete, its predictions",
    scope: "read",
    request: { params: BatchIdParam, query: api.ExplainQuery },
    ok: { status: 200, description: "The batch", schema: api.BatchResult },
  },
  {
    method: "delete",
    path: "/v1/batches/{id}",
    summary: "Delete a batch: its rows, result and labels, everywhere (audited)",
    description:
      "Labels deleted with it no longer reach later training sets. Batches also go when the tenant's retention runs out.",
    scope: "admin",
    request: { params: BatchIdParam },
    ok: { status: 204, description: "Deleted" },
  },
  {
    method: "get",
    path: "/v1/batches/{id}/export.csv",
    summary: "Features, predictions and feedback of a batch as CSV",
    scope: "read",
    request: { params: BatchIdParam },
    ok: { status: 200, description: "CSV, streamed", contentType: "text/csv" },
  },
  {
    method: "post",
    path: "/v1/predict",
    summary: "Score up to 100 rows inline with the tenant's champion; each row gets a predictionId to label later",
    scope: "ingest",
    request: {
      query: z.object({ log: z.enum(["false"]).optional().describe('For Arrow bodies: "false" opts out of logging') }),
      body: {
        content: {
          "application/json": { schema: api.PredictRequest },
          "application/vnd.apache.arrow.stream": { schema: z.string().meta({ format: "binary" }) },
        },
      },
    },
    ok: { status: 200, description: "Predictions", schema: api.PredictResponse },
  },
  {
    method: "post",
    path: "/v1/batches/{id}/feedback",
    summary: "Send the true labels of scored rows (by row index or client id); the latest label wins",
    scope: "feedback",
    request: { params: BatchIdParam, body: { content: { "application/json": { schema: api.FeedbackRequest } } } },
    ok: { status: 202, description: "Queued for recording", schema: api.FeedbackAccepted },
  },
  {
    method: "post",
    path: "/v1/predictions/feedback",
    summary: "Send the true labels of rows scored by POST /v1/predict, by their predictionIds",
    description:
      "A prediction is recorded about a second after its answer; until then its id is refused as unknown. Every id is checked before anything is queued.",
    scope: "feedback",
    request: { body: { content: { "application/json": { schema: api.PredictionFeedbackRequest } } } },
    ok: { status: 202, description: "Queued for recording", schema: api.FeedbackAccepted },
  },
  {
    method: "post",
    path: "/v1/webhooks/feedback",
    summary: "Feedback from another system, signed with Standard Webhooks and the tenant's secret",
    description:
      "Verified with webhook-id, webhook-timestamp (five-minute tolerance) and webhook-signature (v1, HMAC-SHA256). A replayed webhook-id is answered 200 and not applied again.",
    scope: null,
    request: {
      headers: z.object({ "webhook-id": z.string(), "webhook-timestamp": z.string(), "webhook-signature": z.string() }),
      body: { content: { "application/json": { schema: api.WebhookFeedback } } },
    },
    ok: { status: 202, description: "Queued for recording", schema: api.FeedbackAccepted },
  },
  {
    method: "get",
    path: "/v1/models",
    summary:
      "The tenant's model versions with their metrics, latest-holdout accuracy and gate decision; the champion is marked",
    scope: "read",
    ok: { status: 200, description: "The registry", schema: api.ModelList },
  },
  {
    method: "get",
    path: "/v1/models/{version}",
    summary: "One model version, with its weights and training summary",
    scope: "read",
    request: { params: z.object({ version: VersionSchema }) },
    ok: { status: 200, description: "The model", schema: api.ModelDetail },
  },
  {
    method: "post",
    path: "/v1/models",
    summary:
      "Publish a model trained elsewhere (npm run train -- --publish), optionally with its dataset, optionally activating it",
    scope: "admin",
    request: { body: { content: { "application/json": { schema: api.PublishModelRequest } } } },
    ok: { status: 201, description: "The registered model", schema: api.ModelSummary },
  },
  {
    method: "post",
    path: "/v1/models/{version}/activate",
    summary: "Make a version the champion (promote or roll back); its artifact is verified first",
    scope: "admin",
    request: { params: z.object({ version: VersionSchema }) },
    ok: { status: 200, description: "The new champion", schema: api.ModelSummary },
  },
  {
    method: "post",
    path: "/v1/models/retrain",
    summary:
      "Retrain the tenant's model now in a Workflow (the cron job's code path); force skips the new-feedback threshold. Answers with the outcome when the run ends within 20 s, else 202 with status \"running\"; GET /v1/metrics lists recent runs",
    scope: "admin",
    request: { body: { content: { "application/json": { schema: api.RetrainRequest } } } },
    ok: { status: 200, description: "What the run did (202: still running)", schema: api.RetrainResponse },
  },
  {
    method: "get",
    path: "/v1/metrics",
    summary: "Live accuracy per model version, volumes, latency, drift and recent training runs",
    scope: "read",
    ok: { status: 200, description: "Metrics", schema: api.MetricsResponse },
  },
];

let cached: object | null = null;

export function openApiDocument(): object {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key: esk_<id>_<secret>",
  });
  for (const { scope, ok, ...route } of PATHS) {
    registry.registerPath({
      ...route,
      description: [route.description, scope ? `Needs the \`${scope}\` scope.` : "No key needed."]
        .filter(Boolean)
        .join(" "),
      ...(scope ? { security: [{ [bearer.name]: [] }] } : {}),
      responses: {
        [ok.status]: {
          description: ok.description,
          ...(ok.schema
            ? { content: { "application/json": { schema: ok.schema } } }
            : ok.contentType
              ? { content: { [ok.contentType]: { schema: z.string() } } }
              : {}),
        },
        default: { description: "Any error", content: { "application/json": { schema: api.ErrorResponse } } },
      },
    });
  }
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "edge-svm API", version: pkg.version, description: "Batches in, linear-SVM predictions out." },
  });
  cached = document;
  return document;
}
