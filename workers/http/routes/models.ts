// The model registry: list and inspect versions (read), activate one to promote or roll
// back, and retrain on demand (admin). GET /v1/metrics shows how models do live.
import { Hono } from "hono";
import { PublishModelRequest, RetrainRequest, type RetrainResponse } from "../../contract/api.ts";
import { LIMITS } from "../../contract/limits.ts";
import { decodeJsonBody } from "../../codecs/decode-body.ts";
import { publishModel } from "../../services/publish-model.ts";
import { ApiError } from "../../contract/errors.ts";
import { auditLog } from "../../db/schema.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { retrainModel } from "../../services/retrain-model.ts";
import { loadVersion, refreshChampionSoon } from "../../services/serving-model.ts";
import { toModelDetail, toModelSummary } from "../../services/model-views.ts";
import { readMetrics } from "../../services/read-metrics.ts";
import { requireScope } from "../authenticate.ts";
import type { AppEnv } from "../app-env.ts";

export const modelRoutes = new Hono<AppEnv>()
  .get("/models", requireScope("read"), async (c) => {
    const models = await c.get("adapters").models.listModels(200);
    return c.json({ models: models.map(toModelSummary) });
  })
  .post("/models", requireScope("admin"), async (c) => {
    const { value } = await decodeJsonBody(c.req.raw, LIMITS);
    const body = parseRequest(PublishModelRequest, value);
    const record = await publishModel(c.get("adapters"), body, `key:${c.get("principal").keyId}`);
    if (body.activate) refreshChampionSoon();
    return c.json(toModelSummary(record), 201);
  })
  .post("/models/retrain", requireScope("admin"), async (c) => {
    const text = await c.req.text();
    let body: unknown = {};
    if (text.trim()) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError("MALFORMED_BODY", "The body is not valid JSON.");
      }
    }
    const { force } = parseRequest(RetrainRequest, body);
    const outcome = await retrainModel(c.get("adapters"), c.env, { trigger: "api", force });
    if (outcome.status === "busy") throw new ApiError("RETRAIN_IN_PROGRESS", "Another retraining run is in progress.");
    const { status, ...rest } = outcome;
    return c.json({ ...rest, status } satisfies RetrainResponse);
  })
  .get("/models/:version", requireScope("read"), async (c) => {
    const adapters = c.get("adapters");
    const record = await adapters.models.findModel(c.req.param("version"));
    if (!record) throw new ApiError("NOT_FOUND", `No model ${c.req.param("version")}.`);
    const model = await loadVersion(adapters.models, record.version).catch((error: Error) => {
      throw new ApiError("MODEL_INVALID", `Model ${record.version} cannot be read: ${error.message}`);
    });
    return c.json(toModelDetail(record, model.artifact));
  })
  .post("/models/:version/activate", requireScope("admin"), async (c) => {
    const adapters = c.get("adapters");
    const version = c.req.param("version");
    const record = await adapters.models.findModel(version);
    if (!record) throw new ApiError("NOT_FOUND", `No model ${version}.`);
    // Verify the artifact before the pointer moves: a corrupt model is never made champion.
    await loadVersion(adapters.models, version).catch((error: Error) => {
      throw new ApiError("MODEL_INVALID", `Model ${version} was not activated: ${error.message}`);
    });
    const previous = await adapters.models.findChampion();
    const activated = await adapters.models.activate(version);
    refreshChampionSoon();
    await adapters.db.insert(auditLog).values({
      tenantId: c.get("principal").tenantId,
      actor: `key:${c.get("principal").keyId}`,
      action: "model.activated",
      subject: version,
      detail: JSON.stringify({ previous: previous?.version ?? null }),
      at: Date.now(),
    });
    if (!activated) throw new ApiError("NOT_FOUND", `No model ${version}.`);
    return c.json(toModelSummary(activated));
  })
  .get("/metrics", requireScope("read"), async (c) =>
    c.json(await readMetrics(c.get("adapters"), c.get("principal").tenantId)),
  );
