// Flow 7: live accuracy per model version (what the model said against the labels people sent),
// volumes and latency, drift of the last day's traffic against the champion's training deciles,
// and the latest training runs, all the tenant's. Everything but the runs comes from the hourly
// rollups (adapters/metrics-store.ts), so a call costs the same at 1 thousand or 1 billion rows.
import type { MetricsResponse } from "../contract/api.ts";
import type { Adapters } from "../adapters/index.ts";
import { loadChampion } from "./serving-model.ts";
import { toTrainingRun } from "./model-views.ts";
import { hourOf, latencyPercentile } from "./rollup.ts";
import { featureDrift } from "./feature-drift.ts";

const DAY = 24 * 60 * 60 * 1000;

export async function readMetrics(adapters: Adapters, tenantId: string, now = Date.now()): Promise<MetricsResponse> {
  const { metrics } = adapters;
  const since = hourOf(now - DAY);
  const [live, byDay, volume, runs, champion, leaseHolder] = await Promise.all([
    metrics.accuracyByVersion(tenantId),
    metrics.accuracyByDay(tenantId, now - 30 * DAY),
    metrics.volumeSince(tenantId, since),
    adapters.runs.listRuns(tenantId, 20),
    loadChampion(adapters.models, tenantId),
    adapters.locks.holder(`retrain:${tenantId}`, now),
  ]);
  const traffic = champion ? await metrics.trafficSince(tenantId, champion.version, since) : { rows: 0, bins: [] };
  return {
    champion: champion?.version ?? null,
    liveAccuracy: live.map((r) => ({ ...r, accuracy: r.labelled ? r.correct / r.labelled : null })),
    accuracyByDay: byDay,
    volume: {
      batches24h: volume.batches,
      rows24h: volume.rows,
      feedback24h: volume.feedback,
      latencyMsP50: latencyPercentile(volume.latency, 0.5),
      latencyMsP95: latencyPercentile(volume.latency, 0.95),
    },
    drift: driftOf(champion?.artifact ?? null, traffic),
    runs: runs.map((run) => toTrainingRun(run, leaseHolder)),
  };
}

function driftOf(
  artifact: { version: string; featureNames: string[]; training: { featureStats: { deciles: number[] }[] } } | null,
  traffic: { rows: number; bins: number[] },
): MetricsResponse["drift"] {
  if (!artifact) return { modelVersion: null, rows: 0, features: [] };
  return {
    modelVersion: artifact.version,
    rows: traffic.rows,
    features: featureDrift(
      { featureNames: artifact.featureNames, deciles: artifact.training.featureStats.map((s) => s.deciles) },
      traffic.rows,
      traffic.bins,
    ).map(({ name, psi, drifting }) => ({ name, psi, drifting })),
  };
}
