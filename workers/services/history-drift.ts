// The drift of GET /v1/metrics/history within two fixed budgets, whatever a model's width: the
// feature bins it reads (HISTORY_DRIFT_BUDGET counts: the latest whole UTC days that fit, so a
// day's drift is never measured on part of its rows) and the features it answers per version
// (HISTORY_DRIFT_FEATURES: the same set every day, so a table of days lines up, chosen by the
// highest PSI of the window so a drifting feature is never cut). Pure: no bindings.
import type { MetricsDay, MetricsHistory } from "../contract/api.ts";
import type { RollupBins, RollupCounts } from "../adapters/metrics-store.ts";
import { addCounts } from "./rollup.ts";
import { featureDrift, type DriftBasis } from "./feature-drift.ts";

const DAY = 24 * 60 * 60 * 1000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const keyOf = (day: string, version: string) => JSON.stringify([day, version]);

/** The counts one hour's feature bins hold for a model: its features × their bins. */
export function binsPerHour(basis: DriftBasis): number {
  return basis.deciles.reduce((n, edges) => n + Math.max(edges.length - 1, 0), 0);
}

/**
 * The start of the earliest UTC day from which every hour's bins, walking back from the day of
 * `last`, fit `budget` counts (hours of versions without a width cost nothing: they are not
 * read); `first` when the whole window fits, null when not even the latest day does.
 */
export function driftCutoff(
  hours: readonly RollupCounts[],
  widthOf: (modelVersion: string) => number,
  budget: number,
  first: number,
  last: number,
): number | null {
  const cost = new Map<number, number>();
  for (const { hour, modelVersion, rows } of hours) {
    const day = Math.floor(hour / DAY) * DAY;
    if (rows > 0) cost.set(day, (cost.get(day) ?? 0) + widthOf(modelVersion));
  }
  let spent = 0;
  let cutoff: number | null = null;
  for (let day = Math.floor(last / DAY) * DAY; day >= first; day -= DAY) {
    spent += cost.get(day) ?? 0;
    if (spent > budget) break;
    cutoff = day;
  }
  return cutoff;
}

/**
 * Each day's drift of each version with a basis that scored rows, from the days of the series to
 * measure (their row counts) and their hours' bins, at most `maxFeatures` features a version.
 */
export function dailyDrift(
  series: readonly MetricsDay[],
  hours: readonly RollupBins[],
  basisOf: ReadonlyMap<string, DriftBasis | null>,
  maxFeatures: number,
): MetricsHistory["drift"] {
  const bins = new Map<string, number[]>();
  for (const { hour, modelVersion, features } of hours) {
    const key = keyOf(dayOf(hour), modelVersion);
    bins.set(key, addCounts(bins.get(key) ?? [], features));
  }
  const drift = series.flatMap(({ day, modelVersion, rows }) => {
    const basis = basisOf.get(modelVersion);
    const counts = bins.get(keyOf(day, modelVersion)) ?? [];
    return basis && rows > 0 ? [{ day, modelVersion, rows, features: featureDrift(basis, rows, counts) }] : [];
  });
  const shown = shownFeatures(drift, maxFeatures);
  return drift.map((entry) => {
    const keep = shown.get(entry.modelVersion);
    return keep ? { ...entry, features: entry.features.filter((_f, j) => keep.has(j)) } : entry;
  });
}

/** Per version with more than `max` features, the indexes of the `max` with the highest PSI on any day. */
function shownFeatures(drift: MetricsHistory["drift"], max: number): Map<string, Set<number>> {
  const peaks = new Map<string, number[]>();
  for (const { modelVersion, features } of drift) {
    if (features.length <= max) continue;
    const peak = peaks.get(modelVersion) ?? new Array<number>(features.length).fill(0);
    features.forEach((f, j) => (peak[j] = Math.max(peak[j], f.psi)));
    peaks.set(modelVersion, peak);
  }
  const shown = new Map<string, Set<number>>();
  for (const [version, peak] of peaks) {
    const order = peak.map((_p, j) => j).sort((a, b) => peak[b] - peak[a] || a - b);
    shown.set(version, new Set(order.slice(0, max)));
  }
  return shown;
}
