// The registry: every version with its metrics and gate decision, and the recent training runs.
import { failLoad, requireScope, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async (event) => {
  const { session, api } = await useApi(event);
  requireScope(session, "read", "see the model versions");
  try {
    const [registry, metrics] = await Promise.all([api.listModels(), api.metrics()]);
    return { models: registry.models, metrics };
  } catch (error) {
    failLoad(error);
  }
};
