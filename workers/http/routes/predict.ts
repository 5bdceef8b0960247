// POST /v1/predict: a few rows scored inline with the cached champion, for clients that
// cannot wait for the queue. Same body rules as batches (gzip, deflate or plain JSON).
import { Hono } from "hono";
import { PredictRequest, type PredictResponse } from "../../contract/api.ts";
import { ApiError } from "../../contract/errors.ts";
import { BODY_LIMITS, LIMITS } from "../../contract/limits.ts";
import { decodeJsonBody } from "../../codecs/decode-body.ts";
import { scoreRows } from "../../../model/index.ts";
import { checkFeatureRows } from "../../services/check-feature-rows.ts";
import { contributionsOf } from "../../services/explain-predictions.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { loadChampion } from "../../services/serving-model.ts";
import { requireScope } from "../authenticate.ts";
import type { AppEnv } from "../app-env.ts";

export const predictRoutes = new Hono<AppEnv>().post("/predict", requireScope("ingest"), async (c) => {
  const { value } = await decodeJsonBody(c.req.raw, BODY_LIMITS.predict);
  const features = (value as { features?: unknown } | null)?.features;
  if (Array.isArray(features) && features.length > LIMITS.maxPredictRows) {
    throw new ApiError(
      "BATCH_TOO_LARGE",
      `/v1/predict takes at most ${LIMITS.maxPredictRows} rows; use /v1/batches for more.`,
    );
  }
  const request = parseRequest(PredictRequest, value, "INVALID_BATCH");
  const model = await loadChampion(c.get("adapters").models);
  if (!model) throw new ApiError("MODEL_UNAVAILABLE", "No model is active yet; train or activate one first.");
  checkFeatureRows(request.features, request.ids, model.artifact.featureNames, model.version);
  const explain = c.req.query("explain") === "1" || c.req.query("explain") === "true";
  const { margins, labels } = scoreRows(model.compiled, request.features);
  const body: PredictResponse = {
    predictions: request.features.map((row, i) => ({
      row: i,
      ...(request.ids ? { id: request.ids[i] } : {}),
      label: labels[i] === 1 ? 1 : 0,
      margin: margins[i],
      modelVersion: model.version,
      ...(explain ? { contributions: contributionsOf(model, row) } : {}),
    })),
  };
  return c.json(body);
});
