// The overview: the tenant's serving model, how versions and days compare, volume, drift,
// recent batches.
import { failLoad, requireScope, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async (event) => {
  const { session, api } = await useApi(event);
  requireScope(session, "read", "see the overview");
  try {
    const [me, metrics, registry, recent] = await Promise.all([
      api.me(),
      api.metrics(),
      api.listModels(),
      api.listBatches({ limit: 5 }),
    ]);
    return { me, metrics, models: registry.models, batches: recent.batches };
  } catch (error) {
    failLoad(error);
  }
};
