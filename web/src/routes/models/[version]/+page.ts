// A model version's page: its registry entry and artifact facts, its metrics and their history.
import { failLoad, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async (event) => {
  const { api } = await useApi(event);
  try {
    const [model, models, metrics] = await Promise.all([
      api.getModel(event.params.version),
      api.listModels(),
      api.metrics(),
    ]);
    return { model, models: models.models, metrics };
  } catch (error) {
    failLoad(error);
  }
};
