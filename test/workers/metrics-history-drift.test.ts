// The budgets of GET /v1/metrics/history's drift (workers/services/history-drift.ts): which days'
// feature bins fit the read budget, and which features a wide version's drift names.
import { describe, expect, it } from "vitest";
import type { MetricsDay } from "../../workers/contract/api.ts";
import type { RollupCounts } from "../../workers/adapters/metrics-store.ts";
import { binsPerHour, dailyDrift, driftCutoff } from "../../workers/services/history-drift.ts";
import type { DriftBasis } from "../../workers/services/feature-drift.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const D0 = Date.UTC(2026, 0, 1);

const hour = (at: number, modelVersion = "v1", rows = 10) => ({ hour: at, modelVersion, rows }) as RollupCounts;
const basisOf = (features: number): DriftBasis => ({
  featureNames: Array.from({ length: features }, (_v, j) => `f${j}`),
  deciles: Array.from({ length: features }, () => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
});

describe("driftCutoff", () => {
  const width = (version: string) => (version === "v1" ? 10 : 0);

  it("covers the whole window when its bins fit", () => {
    const hours = [hour(D0), hour(D0 + DAY), hour(D0 + 2 * DAY)];
    expect(driftCutoff(hours, width, 30, D0, D0 + 2 * DAY + HOUR)).toBe(D0);
  });

  it("keeps the latest whole days that fit, walking back from the last", () => {
    // Day 0: 2 hours (20 counts), day 1: none, day 2: 1 hour, day 3: 2 hours.
    const hours = [hour(D0), hour(D0 + HOUR), hour(D0 + 2 * DAY), hour(D0 + 3 * DAY), hour(D0 + 3 * DAY + HOUR)];
    expect(driftCutoff(hours, width, 30, D0, D0 + 3 * DAY + 5 * HOUR)).toBe(D0 + DAY);
    expect(driftCutoff(hours, width, 29, D0, D0 + 3 * DAY + 5 * HOUR)).toBe(D0 + 3 * DAY);
  });

  it("counts nothing for hours without rows or of versions it does not read", () => {
    const hours = [hour(D0, "v1", 0), hour(D0, "v-gone"), hour(D0 + DAY)];
    expect(driftCutoff(hours, width, 10, D0, D0 + DAY)).toBe(D0);
  });

  it("answers null when not even the latest day fits", () => {
    expect(driftCutoff([hour(D0), hour(D0 + HOUR)], width, 15, D0, D0 + 2 * HOUR)).toBeNull();
  });

  it("reads a model's width as its features times their bins", () => {
    expect(binsPerHour(basisOf(1_000))).toBe(10_000);
    expect(binsPerHour({ featureNames: [], deciles: [] })).toBe(0);
  });
});

describe("dailyDrift", () => {
  const day = (d: string, modelVersion: string, rows: number) => ({ day: d, modelVersion, rows }) as MetricsDay;
  /** Feature-major bins of `features` features, `rows` values each evenly spread, `skewed` all in bin 0. */
  const bins = (features: number, rows: number, skewed: number[]) =>
    Array.from({ length: features }, (_v, j) =>
      skewed.includes(j) ? [rows, 0, 0, 0, 0, 0, 0, 0, 0, 0] : new Array<number>(10).fill(rows / 10),
    ).flat();

  it("names the same features every day for a wide version: its highest PSI of the window, in its order", () => {
    const series = [day("2026-01-01", "wide", 100), day("2026-01-02", "wide", 100), day("2026-01-02", "v-gone", 5)];
    const hours = [
      { hour: D0, modelVersion: "wide", features: bins(60, 100, [55]) },
      { hour: D0 + DAY, modelVersion: "wide", features: bins(60, 100, [58]) },
    ];
    const drift = dailyDrift(
      series,
      hours,
      new Map([
        ["wide", basisOf(60)],
        ["v-gone", null],
      ]),
      50,
    );
    const expected = [...Array.from({ length: 48 }, (_v, j) => `f${j}`), "f55", "f58"];
    expect(drift.map((d) => [d.day, d.modelVersion])).toEqual([
      ["2026-01-01", "wide"],
      ["2026-01-02", "wide"],
    ]);
    for (const entry of drift) expect(entry.features.map((f) => f.name)).toEqual(expected);
    expect(drift[0].features.find((f) => f.name === "f55")?.drifting).toBe(true);
    expect(drift[0].features.find((f) => f.name === "f58")?.drifting).toBe(false);
    expect(drift[1].features.find((f) => f.name === "f58")?.drifting).toBe(true);
  });

  it("names every feature of a version that has no more than the cap, and measures a day without bins as none", () => {
    const series = [day("2026-01-01", "v1", 100), day("2026-01-02", "v1", 7)];
    const hours = [{ hour: D0 + HOUR, modelVersion: "v1", features: bins(4, 100, [0]) }];
    const [first, second] = dailyDrift(series, hours, new Map([["v1", basisOf(4)]]), 50);
    expect(first.features.map((f) => [f.name, f.drifting])).toEqual([
      ["f0", true],
      ["f1", false],
      ["f2", false],
      ["f3", false],
    ]);
    expect(second.features.map((f) => f.psi)).toEqual([0, 0, 0, 0]);
  });
});
