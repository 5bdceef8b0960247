// POST /v1/predict: a few rows scored inline with the tenant's cached champion, for clients that
// cannot wait for the queue. Same body rules as batches (gzip, deflate or plain JSON). Unless the
// request says "log": false, each row gets a predictionId and the rows go to the tenant's
// prediction log after the answer (durable/prediction-log.ts, which stores them about a second
// later with other calls' rows), so they can be labelled and learned from like batch rows.
import { z } from "zod";
import { PredictRequest, PredictResponse } from "../../contract/api.ts";
import { ApiError } from "../../contract/errors.ts";
import { BODY_LIMITS, LIMITS } from "../../contract/limits.ts";
import { decodeBodyBytes, parseJsonBytes } from "../../codecs/decode-body.ts";
import { ARROW_STREAM, decodeArrowBatch } from "../../codecs/arrow-batch.ts";
import { rowOf } from "../../codecs/row-frame.ts";
import { classNamesOf, probabilityOf, scoreRows } from "../../../model/index.ts";
import { checkFeatureRows } from "../../services/check-feature-rows.ts";
import { contributionsOf } from "../../services/explain-predictions.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { loadChampion, noModel } from "../../services/serving-model.ts";
import { predictionIdOf } from "../../services/submit-prediction-feedback.ts";
import { newId } from "../../codecs/ids.ts";
import { apiRoute, apiRouter, ROW_ERRORS } from "../api-route.ts";

const predict = apiRoute({
  method: "post",
  path: "/predict",
  operationId: "predict",
  tags: ["Predictions"],
  summary: "Score up to 100 rows inline with the tenant's champion; each row gets a predictionId to label later",
  description:
    "JSON `{features, ids?, log?}` or an Arrow IPC stream (then `?log=false` opts out of logging). The rows are recorded after the answer, so they can be labelled with POST /v1/predictions/feedback.",
  scope: "ingest",
  query: z.object({ log: z.enum(["false"]).optional().describe('For Arrow bodies: "false" opts out of logging') }),
  body: {
    "application/json": { component: "PredictRequest", example: { features: [[3.62, 8.67, -2.81, -0.45]] } },
    "application/vnd.apache.arrow.stream": { binary: true, description: "An Arrow IPC stream" },
  },
  ok: { status: 200, description: "Predictions", schema: PredictResponse },
  errors: [...ROW_ERRORS],
});

export const predictRoutes = apiRouter().openapi(predict, async (c) => {
  const decoded = await decodeBodyBytes(c.req.raw, BODY_LIMITS.predict, ["application/json", ARROW_STREAM]);
  const adapters = c.get("adapters");
  const tenantId = c.get("principal").tenantId;
  const arrow = decoded.type === ARROW_STREAM;
  const json = arrow ? null : parsePredictJson((await parseJsonBytes(decoded.bytes, BODY_LIMITS.predict)).value);
  const model = await loadChampion(adapters.models, tenantId);
  if (!model) throw noModel();
  // An Arrow body says "log": false as ?log=false; its rows are few (≤ 100), so they become row arrays.
  const request = json ?? arrowRequest(decoded.bytes, model.artifact.featureNames, c.req.query("log") !== "false");
  checkFeatureRows(request.features, request.ids, model.artifact.featureNames, model.version);
  const explain = c.req.query("explain") === "1" || c.req.query("explain") === "true";
  const { margins, labels } = scoreRows(model.compiled, request.features);
  // The id is issued now; the rows are logged under it after the answer has gone.
  const batchId = request.log ? newId("bat") : null;
  const classNames = classNamesOf(model.artifact);
  const body: PredictResponse = {
    predictions: request.features.map((row, i) => {
      const label = labels[i] === 1 ? 1 : 0;
      return {
        row: i,
        ...(request.ids ? { id: request.ids[i] } : {}),
        ...(batchId ? { predictionId: predictionIdOf(batchId, i) } : {}),
        label,
        className: classNames[label],
        margin: margins[i],
        probability: probabilityOf(model.artifact.calibration, margins[i]),
        modelVersion: model.version,
        ...(explain ? { contributions: contributionsOf(model, row) } : {}),
      };
    }),
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
  return c.json(body, 200);
});

function parsePredictJson(value: unknown) {
  const features = (value as { features?: unknown } | null)?.features;
  if (Array.isArray(features) && features.length > LIMITS.maxPredictRows) {
    throw new ApiError(
      "BATCH_TOO_LARGE",
      `/v1/predict takes at most ${LIMITS.maxPredictRows} rows; use /v1/batches for more.`,
    );
  }
  return parseRequest(PredictRequest, value, "INVALID_BATCH");
}

function arrowRequest(bytes: Uint8Array, featureNames: readonly string[], log: boolean) {
  const batch = decodeArrowBatch(bytes, featureNames, {
    maxRows: LIMITS.maxPredictRows,
    maxIdLength: LIMITS.maxIdLength,
  });
  const frame = {
    ...batch,
    offset: 0,
    featureCount: featureNames.length,
    margins: null,
    labels: null,
    modelVersion: null,
  };
  const features = Array.from({ length: batch.rows }, (_, i) => rowOf(frame, i));
  return { features, ids: batch.ids ?? undefined, log };
}

const afterResponse = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
