// Training runs, newest first: each links to its page.
import { failLoad, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async (event) => {
  const { api } = await useApi(event);
  try {
    return { runs: (await api.listRuns(100)).runs };
  } catch (error) {
    failLoad(error);
  }
};
