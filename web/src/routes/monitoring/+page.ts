// Monitoring over a window of days: the metrics history, and which version and feature the drift
// and score charts show (from the query, else the champion and its first drifting feature).
import { failLoad, requireScope, useApi } from "$lib/load.ts";
import { WINDOWS } from "./windows.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async (event) => {
  const { session, api } = await useApi(event);
  requireScope(session, "read", "see the metrics");
  const asked = Number(event.url.searchParams.get("days"));
  const days = (WINDOWS as readonly number[]).includes(asked) ? asked : 14;
  try {
    const [history, models] = await Promise.all([api.metricsHistory(days), api.listModels()]);
    const champion = models.models.find((model) => model.champion)?.version ?? null;
    const scored = [...new Set(history.series.filter((e) => e.rows > 0).map((e) => e.modelVersion))];
    const version = event.url.searchParams.get("version") ?? champion ?? scored[0] ?? null;
    const classNames = models.models.find((model) => model.version === version)?.classNames ?? ["0", "1"];
    return { history, days, version, versions: scored, classNames, feature: event.url.searchParams.get("feature") };
  } catch (error) {
    failLoad(error);
  }
};
