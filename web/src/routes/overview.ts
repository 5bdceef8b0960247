// The overview's figures, derived from the registry and the metrics endpoint.
import type { MetricsResponse, ModelSummary } from "$contract/api.ts";
import type { VersionAccuracy } from "$lib/components/AccuracyByVersionChart.svelte";
import { liveAccuracyOf, metricOf } from "$lib/model-facts.ts";

/** One bar pair per version, oldest first, so the chart reads left to right in time. */
export function accuracyByVersion(models: ModelSummary[], metrics: MetricsResponse): VersionAccuracy[] {
  return [...models]
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
    .map((model) => {
      const live = liveAccuracyOf(metrics, model.version);
      return {
        version: model.version,
        holdout: metricOf(model, "accuracy"),
        live: live?.accuracy ?? null,
        labelled: live?.labelled ?? 0,
      };
    });
}
