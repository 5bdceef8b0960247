// Percentiles of a bucketed histogram by the nearest-rank method.
import { describe, expect, it } from "vitest";
import { bucketQuantile } from "../../model/histogram.ts";

const BOUNDS = [25, 50, 100];

describe("bucketQuantile", () => {
  it("answers the upper bound of the bucket holding the rank", () => {
    // Ten values: 6 in ≤ 25, 3 in ≤ 50, 1 in ≤ 100.
    expect(bucketQuantile([6, 3, 1, 0], BOUNDS, 0.5)).toBe(25);
    expect(bucketQuantile([6, 3, 1, 0], BOUNDS, 0.6)).toBe(50);
    expect(bucketQuantile([6, 3, 1, 0], BOUNDS, 0.95)).toBe(100);
  });

  it("reports the last bound for values past it, and null for no values", () => {
    expect(bucketQuantile([0, 0, 0, 2], BOUNDS, 0.5)).toBe(100);
    expect(bucketQuantile([0, 0, 0, 0], BOUNDS, 0.5)).toBeNull();
  });
});
