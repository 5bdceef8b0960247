// A training run, with the challenger it trained (its hyperparameters) when there is one.
import { failLoad, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async (event) => {
  const { api } = await useApi(event);
  try {
    const run = await api.getRun(event.params.id);
    // A challenger deleted since (or never registered) leaves the run's own figures.
    const challenger = run.challengerVersion ? await api.getModel(run.challengerVersion).catch(() => null) : null;
    return { run, challenger };
  } catch (error) {
    failLoad(error);
  }
};
