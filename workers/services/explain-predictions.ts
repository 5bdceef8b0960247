// Adds per-feature contributions to predictions, each with the model version that made it
// (rows of one batch may have been scored by different versions around a promotion).
import type { BatchResult, Prediction } from "../contract/api.ts";
import { explainRow } from "../../model/index.ts";
import type { Adapters } from "../adapters/index.ts";
import { loadVersion, type ServingModel } from "./serving-model.ts";
import { readScoredRows } from "./scored-rows.ts";

export async function explainPredictions(
  adapters: Adapters,
  tenantId: string,
  result: BatchResult,
): Promise<BatchResult> {
  if (result.predictions.length === 0) return result;
  const batch = await adapters.batches.findBatch(tenantId, result.batchId);
  const scored = batch && (await readScoredRows(adapters, batch));
  const models = new Map<string, ServingModel>();
  const predictions: Prediction[] = [];
  for (const prediction of result.predictions) {
    let model = models.get(prediction.modelVersion);
    if (!model) {
      model = await loadVersion(adapters.models, tenantId, prediction.modelVersion);
      models.set(prediction.modelVersion, model);
    }
    const row = scored && prediction.row < scored.rows ? scored.featuresOf(prediction.row) : null;
    predictions.push(row ? { ...prediction, contributions: contributionsOf(model, row) } : prediction);
  }
  return { ...result, predictions };
}

export function contributionsOf(model: ServingModel, row: readonly number[]): Record<string, number> {
  const { contributions } = explainRow(model.artifact, row);
  return Object.fromEntries(model.artifact.featureNames.map((name, j) => [name, contributions[j]]));
}
