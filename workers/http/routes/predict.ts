// POST /v1/predict: a few rows scored inline with the tenant's cached champion, for clients that
// cannot wait for the queue. Same body rules as batches (gzip, deflate or plain JSON). Unless the
// request says "log": false, each row gets a predictionId and the rows go to the tenant's
// prediction log after the answer (durable/prediction-log.ts, which stores them about a second
// later with other calls' rows), so they can be labelled and learned from like batch rows.
import { Hono } from "hono";
import { PredictRequest, type PredictResponse } from "../../contract/api.ts";
import { ApiError } from "../../contract/errors.ts";
import { BODY_LIMITS, LIMITS } from "../../contract/limits.ts";
import { decodeJsonBody } from "../../codecs/decode-body.ts";
import { probabilityOf, scoreRows } from "../../../model/index.ts";
import { checkFeatureRows } from "../../services/check-feature-rows.ts";
import { contributionsOf } from "../../services/explain-predictions.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { loadChampion, noModel } from "../../services/serving-model.ts";
import { predictionIdOf } from "../../services/submit-prediction-feedback.ts";
import { newId } from "../../codecs/ids.ts";
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
  const adapters = c.get("adapters");
  const tenantId = c.get("principal").tenantId;
  const model = await loadChampion(adapters.models, tenantId);
  if (!model) throw noModel();
  checkFeatureRows(request.features, request.ids, model.artifact.featureNames, model.version);
  const explain = c.req.query("explain") === "1" || c.req.query("explain") === "true";
  const { margins, labels } = scoreRows(model.compiled, request.features);
  // The id is issued now; the rows are logged under it after the answer has gone.
  const batchId = request.log ? newId("bat") : null;
  const body: PredictResponse = {
    predictions: request.features.map((row, i) => ({
      row: i,
      ...(request.ids ? { id: request.ids[i] } : {}),
      ...(batchId ? { predictionId: predictionIdOf(batchId, i) } : {}),
      label: labels[i] === 1 ? 1 : 0,
      margin: margins[i],
      probability: probabilityOf(model.artifact.calibration, margins[i]),
      modelVersion: model.version,
      ...(explain ? { contributions: contributionsOf(model, row) } : {}),
    })),
  };
  if (batchId) {
    // After a macrotask, so that the answer is written before the log is called.
    const logged = afterResponse()
      .then(() =>
        adapters.predictionLog.append({
          tenantId,
          batchId,
          features: request.features,
          ...(request.ids ? { ids: request.ids } : {}),
          margins: Array.from(margins),
          labels: Array.from(labels, (label) => (label === 1 ? 1 : 0)),
          modelVersion: model.version,
        }),
      )
      .catch((error: unknown) => console.error(`logging predictions ${batchId} failed:`, error));
    c.executionCtx.waitUntil(logged);
  }
  return c.json(body);
});

const afterResponse = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
