// Flow 7: live accuracy per model version (predictions joined to the labels people sent),
// volumes and latency, drift of recent traffic against the champion's training deciles,
// and the latest training runs, all the tenant's (queries in adapters/metrics-store.ts).
import { computePsi, DRIFT_THRESHOLD } from "../../model/index.ts";
import type { MetricsResponse } from "../contract/api.ts";
import type { Adapters } from "../adapters/index.ts";
import { loadChampion } from "./serving-model.ts";
import { toTrainingRun } from "./model-views.ts";
import { RETRAIN_LEASE_MS } from "./retrain-model.ts";

const DAY = 24 * 60 * 60 * 1000;
const DRIFT_SAMPLE = 1000;
const LATENCY_SAMPLE = 200;

export async function readMetrics(adapters: Adapters, tenantId: string, now = Date.now()): Promise<MetricsResponse> {
  const { metrics } = adapters;
  const [live, byDay, volume, latencies, recent, runs, champion] = await Promise.all([
    metrics.accuracyByVersion(tenantId),
    metrics.accuracyByDay(tenantId, now - 30 * DAY),
    metrics.volumeSince(tenantId, now - DAY),
    metrics.recentLatencies(tenantId, LATENCY_SAMPLE),
    metrics.recentFeatures(tenantId, DRIFT_SAMPLE),
    adapters.runs.listRuns(tenantId, 20),
    loadChampion(adapters.models, tenantId),
  ]);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    champion: champion?.version ?? null,
    liveAccuracy: live.map((r) => ({ ...r, accuracy: r.labelled ? r.correct / r.labelled : null })),
    accuracyByDay: byDay,
    volume: {
      batches24h: volume.batches,
      rows24h: volume.rows,
      feedback24h: volume.feedback,
      latencyMsP50: percentile(sorted, 0.5),
      latencyMsP95: percentile(sorted, 0.95),
    },
    drift: driftOf(champion?.artifact ?? null, recent),
    runs: runs.map((run) => toTrainingRun(run, RETRAIN_LEASE_MS, now)),
  };
}

function driftOf(
  artifact: { version: string; featureNames: string[]; training: { featureStats: { deciles: number[] }[] } } | null,
  recent: number[][],
): MetricsResponse["drift"] {
  if (!artifact) return { modelVersion: null, rows: 0, features: [] };
  const d = artifact.featureNames.length;
  const rows = recent.filter((row) => row.length === d);
  return {
    modelVersion: artifact.version,
    rows: rows.length,
    features: artifact.featureNames.map((name, j) => {
      const psi = computePsi(
        artifact.training.featureStats[j].deciles,
        rows.map((row) => row[j]),
      );
      return { name, psi, drifting: rows.length >= 100 && psi > DRIFT_THRESHOLD };
    }),
  };
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
