// The overview's figures, derived from the registry and the metrics endpoint.
import type { MetricsResponse, ModelSummary } from "$contract/api.ts";
import type { VersionAccuracy } from "$lib/components/AccuracyByVersionChart.svelte";
import { accuracyOf, latestHoldout } from "$lib/accuracy.ts";
import { liveAccuracyOf } from "$lib/model-facts.ts";

/** One bar pair per version, oldest first, so the chart reads left to right in time. */
export function accuracyByVersion(models: ModelSummary[], metrics: MetricsResponse): VersionAccuracy[] {
  const latest = latestHoldout(models);
  return [...models]
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
    .map((model) => {
      const live = liveAccuracyOf(metrics, model.version);
      const heldOut = accuracyOf(model, latest);
      return {
        version: model.version,
        holdout: heldOut.value,
        measuredOn: heldOut.short,
        live: live?.accuracy ?? null,
        labelled: live?.labelled ?? 0,
      };
    });
}
