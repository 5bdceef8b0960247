// Two versions side by side: /models/compare?a=&b= (defaults: the champion and the newest other).
import { failLoad, requireScope, useApi } from "$lib/load.ts";
import { defaultPair } from "../models.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async (event) => {
  const { session, api } = await useApi(event);
  requireScope(session, "read", "compare model versions");
  try {
    const [registry, metrics] = await Promise.all([api.listModels(), api.metrics()]);
    const [defaultA, defaultB] = defaultPair(registry.models);
    const a = event.url.searchParams.get("a") || defaultA;
    const b = event.url.searchParams.get("b") || defaultB;
    if (!a || !b) return { models: registry.models, metrics, a: null, b: null };
    const [first, second] = await Promise.all([api.getModel(a), api.getModel(b)]);
    return { models: registry.models, metrics, a: first, b: second };
  } catch (error) {
    failLoad(error);
  }
};
