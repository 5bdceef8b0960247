// Readings of GET /v1/metrics/history (per UTC day and model version) for the console's charts:
// days summed over versions (throughput, latency, live accuracy), a version summed over days
// (its confusion matrix and score distribution), and bucket labels for the fixed histograms.
// Relative imports only, so Node tests can load this file.
import type { MetricsDay, MetricsHistory } from "../../../workers/contract/api.ts";
import { bucketQuantile } from "../../../model/histogram.ts";

const add = (into: number[], counts: readonly number[]) => {
  counts.forEach((c, k) => (into[k] = (into[k] ?? 0) + c));
  return into;
};

export interface DaySums {
  day: string;
  batches: number;
  rows: number;
  labelled: number;
  correct: number;
  latencyMsP50: number | null;
  latencyMsP95: number | null;
}

/** One entry per day of the window (days without traffic included, as zeros), oldest first. */
export function daysOf(history: Pick<MetricsHistory, "from" | "to" | "series" | "latencyBoundsMs">): DaySums[] {
  const days: string[] = [];
  for (let t = Date.parse(`${history.from}T00:00:00Z`); t <= Date.parse(`${history.to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days.map((day) => {
    const entries = history.series.filter((entry) => entry.day === day);
    const latency = entries.reduce((sum, entry) => add(sum, entry.latency), [] as number[]);
    return {
      day,
      batches: entries.reduce((sum, entry) => sum + entry.batches, 0),
      rows: entries.reduce((sum, entry) => sum + entry.rows, 0),
      labelled: entries.reduce((sum, entry) => sum + entry.labelled, 0),
      correct: entries.reduce((sum, entry) => sum + entry.correct, 0),
      latencyMsP50: bucketQuantile(latency, history.latencyBoundsMs, 0.5),
      latencyMsP95: bucketQuantile(latency, history.latencyBoundsMs, 0.95),
    };
  });
}

export interface VersionSums {
  rows: number;
  labelled: number;
  correct: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
  scores: number[];
}

/** A version over the window: its labels' confusion matrix and its margins' histogram. */
export function versionOf(series: readonly MetricsDay[], version: string): VersionSums {
  const entries = series.filter((entry) => entry.modelVersion === version);
  const sum = (pick: (entry: MetricsDay) => number) => entries.reduce((total, entry) => total + pick(entry), 0);
  const labelled = sum((e) => e.labelled);
  const correct = sum((e) => e.correct);
  const tp = sum((e) => e.truePositives);
  const fn = sum((e) => e.labelledPositives) - tp;
  const tn = correct - tp;
  return {
    rows: sum((e) => e.rows),
    labelled,
    correct,
    confusion: { tp, fn, tn, fp: labelled - correct - fn },
    scores: entries.reduce((total, entry) => add(total, entry.scores), [] as number[]),
  };
}

/** Labels of the buckets over `bounds`: "≤ −3", "−3 to −2.5", …, "> 3". */
export function bucketLabels(bounds: readonly number[], format = (v: number) => String(v).replace("-", "−")): string[] {
  return [
    `≤ ${format(bounds[0])}`,
    ...bounds.slice(1).map((bound, k) => `${format(bounds[k])} to ${format(bound)}`),
    `> ${format(bounds[bounds.length - 1])}`,
  ];
}
