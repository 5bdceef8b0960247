// The in-memory twin of metrics-store.ts: the same six reads of the rollups the batch and
// feedback twins write (data.ts), grouped, filtered and ordered as the real queries are.
import type { MetricsStore, VersionAccuracy } from "../metrics-store.ts";
import { compareText, type MemoryData, type RollupRow } from "./data.ts";

/** SQLite's date(hour / 1000, 'unixepoch'): the UTC day of an hour, "YYYY-MM-DD". */
const dayOf = (hour: number) => new Date(hour).toISOString().slice(0, 10);

const sumHistograms = (histograms: readonly (readonly number[])[]) => {
  const sum: number[] = [];
  for (const counts of histograms) counts.forEach((count, k) => (sum[k] = (sum[k] ?? 0) + count));
  return sum;
};

export function createMemoryMetricsStore(data: MemoryData): MetricsStore {
  const rollupsOf = (tenantId: string, since = Number.NEGATIVE_INFINITY): RollupRow[] =>
    [...data.rollups.values()].filter((r) => r.tenantId === tenantId && r.hour >= since);

  return {
    async accuracyByVersion(tenantId) {
      const byVersion = new Map<string, VersionAccuracy & { firstHour: number }>();
      for (const r of rollupsOf(tenantId)) {
        const v = byVersion.get(r.modelVersion) ?? {
          modelVersion: r.modelVersion,
          labelled: 0,
          correct: 0,
          firstHour: r.hour,
        };
        v.labelled += r.labelled;
        v.correct += r.correct;
        v.firstHour = Math.min(v.firstHour, r.hour);
        byVersion.set(r.modelVersion, v);
      }
      return [...byVersion.values()]
        .filter((v) => v.labelled > 0)
        .sort((a, b) => a.firstHour - b.firstHour || compareText(a.modelVersion, b.modelVersion))
        .map(({ modelVersion, labelled, correct }) => ({ modelVersion, labelled, correct }));
    },

    async accuracyByDay(tenantId, since) {
      const byDay = new Map<string, { day: string; labelled: number; correct: number }>();
      for (const r of rollupsOf(tenantId, since)) {
        const day = dayOf(r.hour);
        const d = byDay.get(day) ?? { day, labelled: 0, correct: 0 };
        d.labelled += r.labelled;
        d.correct += r.correct;
        byDay.set(day, d);
      }
      return [...byDay.values()].filter((d) => d.labelled > 0).sort((a, b) => compareText(a.day, b.day));
    },

    async volumeSince(tenantId, since) {
      const rows = rollupsOf(tenantId, since);
      return {
        batches: rows.reduce((n, r) => n + r.batches, 0),
        rows: rows.reduce((n, r) => n + r.rows, 0),
        feedback: rows.reduce((n, r) => n + r.labelled, 0),
        latency: sumHistograms(rows.map((r) => r.latency)),
      };
    },

    async trafficSince(tenantId, modelVersion, since) {
      const rows = rollupsOf(tenantId, since).filter((r) => r.modelVersion === modelVersion && r.rows > 0);
      return { rows: rows.reduce((n, r) => n + r.rows, 0), bins: sumHistograms(rows.map((r) => r.features)) };
    },

    async rollupsSince(tenantId, since) {
      return rollupsOf(tenantId, since)
        .sort((a, b) => a.hour - b.hour || compareText(a.modelVersion, b.modelVersion))
        .map(({ tenantId: _, features: __, ...hour }) => ({
          ...hour,
          latency: [...hour.latency],
          scores: [...hour.scores],
        }));
    },

    async featureBinsSince(tenantId, since, versions) {
      const asked = new Set(versions);
      return rollupsOf(tenantId, since)
        .filter((r) => r.rows > 0 && asked.has(r.modelVersion))
        .sort((a, b) => a.hour - b.hour || compareText(a.modelVersion, b.modelVersion))
        .map(({ hour, modelVersion, features }) => ({ hour, modelVersion, features: [...features] }));
    },
  };
}
