// The model registry: list and inspect versions (read), activate one to promote or roll
// back, and retrain on demand (admin). GET /v1/metrics shows how models do live, and
// GET /v1/metrics/history how they did per day.
import { z } from "zod";
import { classNamesOf, VersionSchema } from "../../../model/index.ts";
import {
  HISTORY_DRIFT_BUDGET,
  HISTORY_DRIFT_FEATURES,
  MetricsHistory,
  MetricsHistoryQuery,
  MetricsResponse,
  ModelDetail,
  ModelList,
  ModelSummary,
  PublishModelRequest,
  RetrainRequest,
  RetrainResponse,
} from "../../contract/api.ts";
import { BODY_LIMITS } from "../../contract/limits.ts";
import { decodeJsonBody } from "../../codecs/decode-body.ts";
import { publishModel } from "../../services/publish-model.ts";
import { ApiError } from "../../contract/errors.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { startRetrain } from "../../services/start-retrain.ts";
import { modelReadError } from "../../services/model-errors.ts";
import { loadVersion, refreshChampionSoon } from "../../services/serving-model.ts";
import { toModelDetail, toModelSummary } from "../../services/model-views.ts";
import { listModelSummaries } from "../../services/list-models.ts";
import { readMetrics } from "../../services/read-metrics.ts";
import { readMetricsHistory } from "../../services/read-metrics-history.ts";
import { apiRoute, apiRouter, BODY_ERRORS } from "../api-route.ts";
import { versionParam } from "../params.ts";

const VersionParams = z.object({ version: VersionSchema });

const listModels = apiRoute({
  method: "get",
  path: "/models",
  operationId: "listModels",
  tags: ["Models"],
  summary:
    "The tenant's model versions with their metrics, latest-holdout accuracy and gate decision; the champion is marked",
  description:
    'Up to 200 versions, newest first. Each version\'s class names are stored with it; a version registered before they were stored gets its artifact\'s (a few such versions per call, newest first, then kept), and shows "0" and "1" until then. 503 when storage fails while reading one.',
  scope: "read",
  ok: { status: 200, description: "The registry", schema: ModelList },
  errors: ["STORAGE_UNAVAILABLE"],
});

const publish = apiRoute({
  method: "post",
  path: "/models",
  operationId: "publishModel",
  tags: ["Models"],
  summary:
    "Publish a model trained elsewhere (npm run train -- --publish), optionally with its dataset, optionally activating it",
  scope: "admin",
  body: {
    "application/json": {
      component: "PublishModelRequest",
      example: {
        artifact: { format: "edge-svm", version: "cli-1", "...": "as npm run train writes it" },
        activate: false,
      },
    },
  },
  ok: { status: 201, description: "The registered model", schema: ModelSummary },
  errors: [
    ...BODY_ERRORS,
    "INVALID_REQUEST",
    "MODEL_INVALID",
    "MODEL_EXISTS",
    "VALUE_OUT_OF_RANGE",
    "STORAGE_UNAVAILABLE",
  ],
});

const retrain = apiRoute({
  method: "post",
  path: "/models/retrain",
  operationId: "retrainModel",
  tags: ["Models"],
  summary: "Retrain the tenant's model now, in a Workflow (the cron job's code path)",
  description:
    '`force` skips the new-feedback threshold. Answers with the outcome when the run ends within 20 s, else 202 with status "running"; GET /v1/metrics lists recent runs and how they ended.',
  scope: "admin",
  body: { "application/json": { component: "RetrainRequest", example: { force: true } } },
  ok: {
    status: [200, 202],
    description: "What the run did (202: it is still running)",
    schema: RetrainResponse,
    example: {
      runId: "run_mx66usmo472d14379ac5",
      status: "promoted",
      challengerVersion: "v4",
      reason: "challenger 99.66% vs champion 99.32% on the holdout",
    },
  },
  errors: [...BODY_ERRORS, "INVALID_REQUEST", "RETRAIN_IN_PROGRESS"],
});

const getModel = apiRoute({
  method: "get",
  path: "/models/{version}",
  operationId: "getModel",
  tags: ["Models"],
  summary: "One model version, with its weights, training summary and calibration",
  scope: "read",
  params: VersionParams,
  ok: { status: 200, description: "The model", schema: ModelDetail },
  errors: ["INVALID_REQUEST", "NOT_FOUND", "MODEL_INVALID", "STORAGE_UNAVAILABLE"],
});

const activate = apiRoute({
  method: "post",
  path: "/models/{version}/activate",
  operationId: "activateModel",
  tags: ["Models"],
  summary: "Make a version the champion (promote or roll back); its artifact is verified first",
  scope: "admin",
  params: VersionParams,
  ok: { status: 200, description: "The new champion", schema: ModelSummary },
  errors: ["INVALID_REQUEST", "NOT_FOUND", "MODEL_INVALID", "STORAGE_UNAVAILABLE"],
});

const metrics = apiRoute({
  method: "get",
  path: "/metrics",
  operationId: "getMetrics",
  tags: ["Models"],
  summary: "Live accuracy per model version, volumes, latency, drift and recent training runs",
  scope: "read",
  ok: { status: 200, description: "Metrics", schema: MetricsResponse },
  errors: [],
});

const metricsHistory = apiRoute({
  method: "get",
  path: "/metrics/history",
  operationId: "getMetricsHistory",
  tags: ["Models"],
  summary: "Per UTC day and model version: volumes, latency, margins, label confusion counts and feature drift",
  description: `Sums the hourly rollups of the last \`days\` UTC days (today included) per day and version. \`latency\` and \`scores\` are counts over \`latencyBoundsMs\` and \`scoreBounds\`; \`drift\` gives each day's PSI per feature with the live share per training decile bin. Training deciles put 10% of the training rows in each bin by construction, so the live shares compare with 0.1 each. To fit a Worker's 128 MB of memory whatever the model's width, drift reads at most ${HISTORY_DRIFT_BUDGET.toLocaleString("en")} feature-bin counts (hours × versions × features × 10 bins): the latest whole days that fit, from \`driftFrom\` on (every day of 90 for a model of 4 features; about 8 days for one version of 1,000 features scoring every hour), and names at most ${HISTORY_DRIFT_FEATURES} features per version, those with the highest PSI of the window.`,
  scope: "read",
  query: MetricsHistoryQuery,
  ok: { status: 200, description: "The history", schema: MetricsHistory },
  errors: ["INVALID_REQUEST"],
});

export const modelRoutes = apiRouter()
  .openapi(listModels, async (c) => {
    const models = await listModelSummaries(c.get("adapters").models, c.get("principal").tenantId);
    return c.json({ models }, 200);
  })
  .openapi(publish, async (c) => {
    const { value } = await decodeJsonBody(c.req.raw, BODY_LIMITS.publish);
    const body = parseRequest(PublishModelRequest, value);
    const principal = c.get("principal");
    const { record, artifact } = await publishModel(c.get("adapters"), body, {
      tenantId: principal.tenantId,
      actor: `key:${principal.keyId}`,
    });
    if (body.activate) refreshChampionSoon(principal.tenantId);
    return c.json(toModelSummary(record, classNamesOf(artifact)), 201);
  })
  .openapi(retrain, async (c) => {
    const { value } = await decodeJsonBody(c.req.raw, BODY_LIMITS.small, { emptyValue: {} });
    const { force } = parseRequest(RetrainRequest, value);
    const tenantId = c.get("principal").tenantId;
    const outcome = await startRetrain(c.get("adapters"), tenantId, force);
    if (outcome.status === "busy") throw new ApiError("RETRAIN_IN_PROGRESS", "Another retraining run is in progress.");
    const { status, ...rest } = outcome;
    // 202 while the run goes on: its record shows how it ends.
    const answer = { ...rest, status } satisfies RetrainResponse;
    return status === "running" ? c.json(answer, 202) : c.json(answer, 200);
  })
  .openapi(getModel, async (c) => {
    const adapters = c.get("adapters");
    const version = versionParam(c);
    const tenantId = c.get("principal").tenantId;
    const record = await adapters.models.findModel(tenantId, version);
    if (!record) throw new ApiError("NOT_FOUND", `No model ${version}.`);
    const model = await loadVersion(adapters.models, tenantId, record.version).catch((error: unknown) => {
      throw modelReadError(error, `Model ${version} cannot be read`);
    });
    return c.json(toModelDetail(record, model.artifact), 200);
  })
  .openapi(activate, async (c) => {
    const adapters = c.get("adapters");
    const version = versionParam(c);
    const principal = c.get("principal");
    const record = await adapters.models.findModel(principal.tenantId, version);
    if (!record) throw new ApiError("NOT_FOUND", `No model ${version}.`);
    // Verify the artifact before the pointer moves: a corrupt model is never made champion.
    const model = await loadVersion(adapters.models, principal.tenantId, version).catch((error: unknown) => {
      throw modelReadError(error, `Model ${version} was not activated`);
    });
    // The pointer and its audit entry are one D1 transaction: no audit row for a move that failed.
    const activated = await adapters.models.activate(principal.tenantId, version, {
      actor: `key:${principal.keyId}`,
      action: "model.activated",
    });
    if (!activated) throw new ApiError("NOT_FOUND", `No model ${version}.`);
    refreshChampionSoon(principal.tenantId);
    return c.json(toModelSummary(activated, classNamesOf(model.artifact)), 200);
  })
  .openapi(metrics, async (c) => c.json(await readMetrics(c.get("adapters"), c.get("principal").tenantId), 200))
  .openapi(metricsHistory, async (c) => {
    const { days } = c.req.valid("query");
    return c.json(await readMetricsHistory(c.get("adapters"), c.get("principal").tenantId, days), 200);
  });
