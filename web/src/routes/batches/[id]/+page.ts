// One batch with its predictions and the per-feature contributions behind each margin.
import { failLoad, requireScope, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async (event) => {
  const { session, api } = await useApi(event);
  requireScope(session, "read", "see a batch's predictions");
  try {
    return { batch: await api.getBatch(event.params.id, { explain: true }) };
  } catch (error) {
    failLoad(error);
  }
};
