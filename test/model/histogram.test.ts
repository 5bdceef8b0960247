// Percentiles of a bucketed histogram by the nearest-rank method: the ⌈q·n⌉-th smallest value.
import { describe, expect, it } from "vitest";
import { bucketQuantile } from "../../model/histogram.ts";

const BOUNDS = [25, 50, 100];

describe("bucketQuantile", () => {
  it("answers the upper bound of the bucket holding the ⌈q·n⌉-th smallest value", () => {
    // Ten values: 6 in ≤ 25, 3 in ≤ 50, 1 in ≤ 100.
    expect(bucketQuantile([6, 3, 1, 0], BOUNDS, 0.5)).toBe(25); // the 5th
    expect(bucketQuantile([6, 3, 1, 0], BOUNDS, 0.6)).toBe(25); // the 6th, still ≤ 25
    expect(bucketQuantile([6, 3, 1, 0], BOUNDS, 0.61)).toBe(50); // the 7th
    expect(bucketQuantile([6, 3, 1, 0], BOUNDS, 0.95)).toBe(100); // the 10th
  });

  it("gives the faster of two batches as their median", () => {
    expect(bucketQuantile([1, 1, 0, 0], BOUNDS, 0.5)).toBe(25);
    expect(bucketQuantile([1, 1, 0, 0], BOUNDS, 0.51)).toBe(50);
  });

  it("takes the 19th of 20 values as their 95th percentile, not the 20th", () => {
    expect(bucketQuantile([19, 1, 0, 0], BOUNDS, 0.95)).toBe(25);
    expect(bucketQuantile([18, 2, 0, 0], BOUNDS, 0.95)).toBe(50);
  });

  it("reads the smallest value at q = 0 and the largest at q = 1", () => {
    expect(bucketQuantile([0, 2, 3, 0], BOUNDS, 0)).toBe(50);
    expect(bucketQuantile([0, 2, 3, 0], BOUNDS, 1)).toBe(100);
  });

  it("is not pushed a rank up by a product that floats just past a whole number", () => {
    // 0.07 × 100 is 7.000000000000001 in floating point: still the 7th value.
    expect(bucketQuantile([7, 93, 0, 0], BOUNDS, 0.07)).toBe(25);
  });

  it("reports the last bound for values past it, and null for no values", () => {
    expect(bucketQuantile([0, 0, 0, 2], BOUNDS, 0.5)).toBe(100);
    expect(bucketQuantile([0, 0, 0, 0], BOUNDS, 0.5)).toBeNull();
  });
});
