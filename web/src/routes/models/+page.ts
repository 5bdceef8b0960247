// The registry: every version with its accuracy and gate decision, the recent training runs,
// and the tenant's model state (what to do when no model is active).
import { failLoad, requireScope, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async (event) => {
  const { session, api } = await useApi(event);
  requireScope(session, "read", "see the model versions");
  try {
    const [me, registry, metrics] = await Promise.all([api.me(), api.listModels(), api.metrics()]);
    return { me, models: registry.models, metrics };
  } catch (error) {
    failLoad(error);
  }
};
