// GET /v1/metrics/history, what the dashboard charts: the tenant's hourly rollups of the last N
// UTC days summed per day and model version (volumes, latency and margin histograms, the labels'
// confusion counts), and each day's drift of each version's scored values against its training
// deciles. Two reads of the rollups: the counts of every hour, O(hours × versions), then the
// feature bins (features × 10 counts a row) of the latest days within HISTORY_DRIFT_BUDGET; plus
// each version's artifact (cached per isolate) for its features and deciles.
import { ArtifactError } from "../../model/index.ts";
import { HISTORY_DRIFT_BUDGET, HISTORY_DRIFT_FEATURES, type MetricsDay, type MetricsHistory } from "../contract/api.ts";
import type { Adapters } from "../adapters/index.ts";
import type { RollupCounts } from "../adapters/metrics-store.ts";
import type { DriftBasis } from "./feature-drift.ts";
import { binsPerHour, dailyDrift, driftCutoff } from "./history-drift.ts";
import { addCounts, LATENCY_BOUNDS_MS, latencyPercentile, SCORE_BOUNDS } from "./rollup.ts";
import { loadVersion } from "./serving-model.ts";

const DAY = 24 * 60 * 60 * 1000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const zeros = (n: number) => new Array<number>(n).fill(0);

export async function readMetricsHistory(
  adapters: Adapters,
  tenantId: string,
  days: number,
  now = Date.now(),
): Promise<MetricsHistory> {
  const first = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  const hours = await adapters.metrics.rollupsSince(tenantId, first);
  const series = dailySeries(hours);
  const versions = [...new Set(series.map((d) => d.modelVersion))].sort(compareText);
  const bases = await Promise.all(versions.map((version) => driftBasis(adapters, tenantId, version)));
  const basisOf = new Map(versions.map((version, i) => [version, bases[i]]));
  // A version whose model is gone has no drift: its bins are neither read nor counted.
  const width = new Map<string, number>();
  for (const [version, basis] of basisOf) if (basis) width.set(version, binsPerHour(basis));
  const cutoff = driftCutoff(hours, (version) => width.get(version) ?? 0, HISTORY_DRIFT_BUDGET, first, now);
  const driftFrom = cutoff === null ? null : dayOf(cutoff);
  const covered = series.filter((d) => driftFrom !== null && d.day >= driftFrom && width.has(d.modelVersion));
  const bins =
    cutoff !== null && covered.length > 0
      ? await adapters.metrics.featureBinsSince(tenantId, cutoff, [...width.keys()])
      : [];
  return {
    days,
    from: dayOf(first),
    driftFrom,
    to: dayOf(now),
    latencyBoundsMs: [...LATENCY_BOUNDS_MS],
    scoreBounds: [...SCORE_BOUNDS],
    versions: versions.map((modelVersion, i) => ({
      modelVersion,
      featureNames: [...(bases[i]?.featureNames ?? [])],
      deciles: (bases[i]?.deciles ?? []).map((edges) => [...edges]),
    })),
    series,
    drift: dailyDrift(covered, bins, basisOf, HISTORY_DRIFT_FEATURES),
  };
}

/** Sums hours per UTC day and version, day then version; histograms at their full length. */
export function dailySeries(hours: readonly RollupCounts[]): MetricsDay[] {
  const sums = new Map<string, MetricsDay>();
  for (const hour of hours) {
    const day = dayOf(hour.hour);
    const key = JSON.stringify([day, hour.modelVersion]);
    const sum = sums.get(key) ?? {
      day,
      modelVersion: hour.modelVersion,
      batches: 0,
      rows: 0,
      positives: 0,
      labelled: 0,
      correct: 0,
      labelledPositives: 0,
      truePositives: 0,
      latency: zeros(LATENCY_BOUNDS_MS.length + 1),
      latencyMsP50: null,
      latencyMsP95: null,
      scores: zeros(SCORE_BOUNDS.length + 1),
    };
    sum.batches += hour.batches;
    sum.rows += hour.rows;
    sum.positives += hour.positives;
    sum.labelled += hour.labelled;
    sum.correct += hour.correct;
    sum.labelledPositives += hour.labelledPositives;
    sum.truePositives += hour.truePositives;
    addCounts(sum.latency, hour.latency);
    addCounts(sum.scores, hour.scores);
    sums.set(key, sum);
  }
  return [...sums.values()]
    .sort((a, b) => compareText(a.day, b.day) || compareText(a.modelVersion, b.modelVersion))
    .map((sum) => ({
      ...sum,
      latencyMsP50: latencyPercentile(sum.latency, 0.5),
      latencyMsP95: latencyPercentile(sum.latency, 0.95),
    }));
}

/** A version's features and training deciles; null when its model is gone or unreadable. */
async function driftBasis(adapters: Adapters, tenantId: string, version: string): Promise<DriftBasis | null> {
  try {
    const { artifact } = await loadVersion(adapters.models, tenantId, version);
    return { featureNames: artifact.featureNames, deciles: artifact.training.featureStats.map((s) => s.deciles) };
  } catch (error) {
    // Its counts still chart; only its drift cannot be measured. A storage outage is not this.
    if (error instanceof ArtifactError) return null;
    throw error;
  }
}
