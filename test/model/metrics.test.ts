import { describe, expect, it } from "vitest";
import { computeConfusion, computeMetrics, computeRocAuc } from "../../model/index.ts";

describe("computeMetrics", () => {
  // Predictions (margin > 0): 1 0 1 0 1 0 against truth 1 1 0 0 1 0 → tp 2, fn 1, fp 1, tn 2.
  const actual = [1, 1, 0, 0, 1, 0];
  const margins = [2, -1, 0.5, -3, 0.2, -0.5];

  it("counts the confusion matrix with class 1 as positive", () => {
    expect(computeMetrics(actual, margins).confusion).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
  });

  it("derives accuracy, precision, recall and F1 from the counts", () => {
    const metrics = computeMetrics(actual, margins);
    expect(metrics.accuracy).toBeCloseTo(4 / 6, 12);
    expect(metrics.precision).toBeCloseTo(2 / 3, 12);
    expect(metrics.recall).toBeCloseTo(2 / 3, 12);
    expect(metrics.f1).toBeCloseTo(2 / 3, 12);
  });

  it("reports zero rather than NaN when nothing is predicted positive", () => {
    const metrics = computeMetrics([1, 0, 1], [-1, -2, -3]);
    expect(metrics.precision).toBe(0);
    expect(metrics.recall).toBe(0);
    expect(metrics.f1).toBe(0);
    expect(metrics.accuracy).toBeCloseTo(1 / 3, 12);
  });

  it("treats a margin of exactly zero as class 0", () => {
    expect(computeMetrics([0], [0]).confusion).toEqual({ tp: 0, fp: 0, tn: 1, fn: 0 });
  });
});

describe("computeRocAuc", () => {
  it("is the share of positive–negative pairs ranked correctly (6 of 9 here)", () => {
    expect(computeRocAuc([1, 1, 0, 0, 1, 0], [2, -1, 0.5, -3, 0.2, -0.5])).toBeCloseTo(6 / 9, 12);
  });

  it("counts a tied pair as half, through average ranks", () => {
    // Pairs: (1 vs 1) ½, (1 vs 0) 1, (2 vs 1) 1, (2 vs 0) 1 → 3.5 of 4.
    expect(computeRocAuc([0, 1, 0, 1], [1, 1, 0, 2])).toBeCloseTo(0.875, 12);
    expect(computeRocAuc([0, 1, 0, 1], [5, 5, 5, 5])).toBeCloseTo(0.5, 12);
  });

  it("is 1 for a perfect ranking and 0 for a reversed one", () => {
    expect(computeRocAuc([0, 0, 1, 1], [-2, -1, 1, 2])).toBe(1);
    expect(computeRocAuc([1, 1, 0, 0], [-2, -1, 1, 2])).toBe(0);
  });

  it("is null when only one class is present", () => {
    expect(computeRocAuc([1, 1], [0.3, 0.5])).toBeNull();
  });
});

describe("computeConfusion", () => {
  it("refuses label and prediction arrays of different lengths", () => {
    expect(() => computeConfusion([0, 1], [0])).toThrow(/2 labels against 1 predictions/);
  });
});
