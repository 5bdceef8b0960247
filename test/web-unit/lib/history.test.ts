// The history readings: a confusion matrix from rollup counts, days filled in, percentiles, labels.
import { describe, expect, it } from "vitest";
import type { MetricsDay } from "../../../workers/contract/api.ts";
import { bucketQuantile } from "../../../model/histogram.ts";
import { bucketLabels, daysOf, versionOf } from "../../../web/src/lib/history.ts";

const day = (d: string, version: string, counts: Partial<MetricsDay>): MetricsDay => ({
  day: d,
  modelVersion: version,
  batches: 0,
  rows: 0,
  positives: 0,
  labelled: 0,
  correct: 0,
  labelledPositives: 0,
  truePositives: 0,
  latency: [],
  latencyMsP50: null,
  latencyMsP95: null,
  scores: [],
  ...counts,
});

describe("metrics history readings", () => {
  it("rebuilds a version's confusion matrix from labelled, correct and positive counts", () => {
    // 10 labels: 4 true positives, 1 false negative (5 labelled 1); 3 true negatives, 2 false positives.
    const series = [
      day("2026-12-01", "v1", { labelled: 6, correct: 4, labelledPositives: 3, truePositives: 2, scores: [1, 2] }),
      day("2026-12-02", "v1", { labelled: 4, correct: 3, labelledPositives: 2, truePositives: 2, scores: [0, 3, 1] }),
      day("2026-12-02", "v2", { labelled: 50, correct: 50 }),
    ];
    const v1 = versionOf(series, "v1");
    expect(v1.confusion).toEqual({ tp: 4, fn: 1, tn: 3, fp: 2 });
    expect(v1.scores).toEqual([1, 5, 1]);
  });

  it("lists every day of the window, quiet days as zeros, with latency percentiles over all versions", () => {
    const days = daysOf({
      from: "2026-11-30",
      to: "2026-12-02",
      latencyBoundsMs: [25, 50, 100],
      series: [
        day("2026-12-02", "v1", { rows: 10, batches: 1, latency: [0, 1, 0, 0] }),
        day("2026-12-02", "v2", { rows: 5, batches: 1, latency: [0, 0, 1, 0] }),
      ],
    });
    expect(days.map((d) => d.day)).toEqual(["2026-11-30", "2026-12-01", "2026-12-02"]);
    expect(days[0]).toMatchObject({ rows: 0, latencyMsP50: null });
    // Two batches, one ≤ 50 ms and one ≤ 100 ms: the median is the faster (nearest rank, ⌈0.5·2⌉ = 1st).
    expect(days[2]).toMatchObject({ rows: 15, batches: 2, latencyMsP50: 50, latencyMsP95: 100 });
    expect(bucketQuantile([3, 1], [25, 50], 0.5)).toBe(25);
  });

  it("names the buckets of a fixed histogram, tails included", () => {
    expect(bucketLabels([-1, 0, 1])).toEqual(["≤ −1", "−1 to 0", "0 to 1", "> 1"]);
  });
});
