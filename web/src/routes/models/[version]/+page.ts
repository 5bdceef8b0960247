// A model version's page: its registry entry and artifact facts, its metrics and their history.
import { failLoad, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

/** The window of the confusion matrix and the score distribution. */
const HISTORY_DAYS = 90;

export const load: PageLoad = async (event) => {
  const { api } = await useApi(event);
  try {
    const [model, models, metrics, history] = await Promise.all([
      api.getModel(event.params.version),
      api.listModels(),
      api.metrics(),
      api.metricsHistory(HISTORY_DAYS),
    ]);
    return { model, models: models.models, metrics, history };
  } catch (error) {
    failLoad(error);
  }
};
