// The model registry: list and inspect versions (read), activate one to promote or roll
// back, and retrain on demand (admin). GET /v1/metrics shows how models do live.
import { Hono } from "hono";
import { PublishModelRequest, RetrainRequest, type RetrainResponse } from "../../contract/api.ts";
import { BODY_LIMITS } from "../../contract/limits.ts";
import { decodeJsonBody } from "../../codecs/decode-body.ts";
import { publishModel } from "../../services/publish-model.ts";
import { ApiError } from "../../contract/errors.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { startRetrain } from "../../services/start-retrain.ts";
import { modelReadError } from "../../services/model-errors.ts";
import { loadVersion, refreshChampionSoon } from "../../services/serving-model.ts";
import { toModelDetail, toModelSummary } from "../../services/model-views.ts";
import { readMetrics } from "../../services/read-metrics.ts";
import { requireScope } from "../authenticate.ts";
import type { AppEnv } from "../app-env.ts";
import { versionParam } from "../params.ts";

export const modelRoutes = new Hono<AppEnv>()
  .get("/models", requireScope("read"), async (c) => {
    const models = await c.get("adapters").models.listModels(c.get("principal").tenantId, 200);
    return c.json({ models: models.map(toModelSummary) });
  })
  .post("/models", requireScope("admin"), async (c) => {
    const { value } = await decodeJsonBody(c.req.raw, BODY_LIMITS.publish);
    const body = parseRequest(PublishModelRequest, value);
    const principal = c.get("principal");
    const record = await publishModel(c.get("adapters"), body, {
      tenantId: principal.tenantId,
      actor: `key:${principal.keyId}`,
    });
    if (body.activate) refreshChampionSoon(principal.tenantId);
    return c.json(toModelSummary(record), 201);
  })
  .post("/models/retrain", requireScope("admin"), async (c) => {
    const { value } = await decodeJsonBody(c.req.raw, BODY_LIMITS.small, { emptyValue: {} });
    const { force } = parseRequest(RetrainRequest, value);
    const tenantId = c.get("principal").tenantId;
    const outcome = await startRetrain(c.get("adapters"), tenantId, force);
    if (outcome.status === "busy") throw new ApiError("RETRAIN_IN_PROGRESS", "Another retraining run is in progress.");
    const { status, ...rest } = outcome;
    // 202 while the run goes on: its record shows how it ends.
    return c.json({ ...rest, status } satisfies RetrainResponse, status === "running" ? 202 : 200);
  })
  .get("/models/:version", requireScope("read"), async (c) => {
    const adapters = c.get("adapters");
    const version = versionParam(c);
    const tenantId = c.get("principal").tenantId;
    const record = await adapters.models.findModel(tenantId, version);
    if (!record) throw new ApiError("NOT_FOUND", `No model ${version}.`);
    const model = await loadVersion(adapters.models, tenantId, record.version).catch((error: unknown) => {
      throw modelReadError(error, `Model ${version} cannot be read`);
    });
    return c.json(toModelDetail(record, model.artifact));
  })
  .post("/models/:version/activate", requireScope("admin"), async (c) => {
    const adapters = c.get("adapters");
    const version = versionParam(c);
    const principal = c.get("principal");
    const record = await adapters.models.findModel(principal.tenantId, version);
    if (!record) throw new ApiError("NOT_FOUND", `No model ${version}.`);
    // Verify the artifact before the pointer moves: a corrupt model is never made champion.
    await loadVersion(adapters.models, principal.tenantId, version).catch((error: unknown) => {
      throw modelReadError(error, `Model ${version} was not activated`);
    });
    // The pointer and its audit entry are one D1 transaction: no audit row for a move that failed.
    const activated = await adapters.models.activate(principal.tenantId, version, {
      actor: `key:${principal.keyId}`,
      action: "model.activated",
    });
    if (!activated) throw new ApiError("NOT_FOUND", `No model ${version}.`);
    refreshChampionSoon(principal.tenantId);
    return c.json(toModelSummary(activated));
  })
  .get("/metrics", requireScope("read"), async (c) =>
    c.json(await readMetrics(c.get("adapters"), c.get("principal").tenantId)),
  );
