import { describe, expect, it } from "vitest";
import { computeFeatureStats } from "../../model/index.ts";
import { makeDataset } from "./fixtures.ts";

describe("computeFeatureStats", () => {
  it("gives min, max, mean, population std and interpolated deciles per feature", () => {
    // Column a: 10, 0 (shuffled); column b: constant 3.
    const [a, b] = computeFeatureStats(
      makeDataset(
        [
          [10, 3],
          [0, 3],
        ],
        [0, 1],
      ),
    );
    expect(a.min).toBe(0);
    expect(a.max).toBe(10);
    expect(a.mean).toBe(5);
    expect(a.std).toBe(5);
    a.deciles.forEach((value, k) => expect(value).toBeCloseTo(k, 12));
    expect(b).toEqual({ min: 3, max: 3, mean: 3, std: 0, deciles: new Array(11).fill(3) });
  });

  it("matches NumPy's default percentile on an uneven column", () => {
    // numpy.percentile([1, 2, 4, 8, 16], [10, 50, 90]) = [1.4, 4, 12.8]
    const [stats] = computeFeatureStats(makeDataset([[16], [1], [8], [2], [4]], [0, 1, 0, 1, 0]));
    expect(stats.deciles[1]).toBeCloseTo(1.4, 12);
    expect(stats.deciles[5]).toBe(4);
    expect(stats.deciles[9]).toBeCloseTo(12.8, 12);
  });
});
