// The overview's figures, derived from the registry and the metrics endpoint.
import type { MetricsResponse, ModelSummary } from "$contract/api.ts";
import type { VersionAccuracy } from "$lib/components/AccuracyByVersionChart.svelte";
import { accuracyOf, latestHoldout } from "$lib/accuracy.ts";
import { liveAccuracyOf } from "$lib/model-facts.ts";

/** Held-out and live accuracy per version, newest first (the one people look for after a retrain). */
export function accuracyByVersion(models: ModelSummary[], metrics: MetricsResponse): VersionAccuracy[] {
  const latest = latestHoldout(models);
  return [...models]
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
    .map((model) => {
      const live = liveAccuracyOf(metrics, model.version);
      const heldOut = accuracyOf(model, latest);
      return {
        version: model.version,
        holdout: heldOut.value,
        measuredOn: heldOut.short,
        labelled: live?.labelled ?? 0,
        correct: live?.correct ?? 0,
      };
    });
}
