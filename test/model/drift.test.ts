import { describe, expect, it } from "vitest";
import { computePsi, createRandom, featureBinCounts, psiFromCounts } from "../../model/index.ts";

const deciles = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

describe("featureBinCounts", () => {
  it("counts each feature's values in its own decile bins, flattened feature-major", () => {
    // Two features, three rows, column-major: feature 0 is [5, 15, 200], feature 1 is [-1, 0.5, 1].
    const columns = Float64Array.of(5, 15, 200, -1, 0.5, 1);
    const counts = featureBinCounts(
      [
        [0, 10, 20, 30],
        [0, 1, 2, 3],
      ],
      columns,
      3,
    );
    // Values below the range fall in the first bin, above it in the last; a decile opens its bin.
    expect(counts).toEqual([1, 1, 1, 2, 1, 0]);
  });

  it("gives the PSI computePsi gives for every feature of random columns", () => {
    const random = createRandom(11);
    const rows = 500;
    const featureDeciles = [deciles, deciles.map((q) => q * 2 - 50), deciles.map((q) => q / 100)];
    const columns = Float64Array.from({ length: rows * 3 }, () => random.nextFloat() * 150 - 40);
    const counts = featureBinCounts(featureDeciles, columns, rows);
    expect(counts).toHaveLength(30);
    featureDeciles.forEach((q, j) => {
      const values = columns.subarray(j * rows, (j + 1) * rows);
      expect(psiFromCounts(counts.slice(j * 10, j * 10 + 10))).toBe(computePsi(q, values));
    });
  });

  it("sums across runs of rows to the counts of all of them", () => {
    const values = Float64Array.from({ length: 40 }, (_, i) => (i * 37) % 101);
    const whole = featureBinCounts([deciles], values, 40);
    const halves = [
      featureBinCounts([deciles], values.subarray(0, 15), 15),
      featureBinCounts([deciles], values.subarray(15), 25),
    ];
    expect(halves[0].map((c, b) => c + halves[1][b])).toEqual(whole);
    expect(psiFromCounts(whole)).toBe(computePsi(deciles, values));
  });

  it("refuses features with different numbers of bins and columns that are not rows × features", () => {
    expect(() => featureBinCounts([deciles, [0, 1, 2]], new Float64Array(4), 2)).toThrow(RangeError);
    expect(() => featureBinCounts([deciles], new Float64Array(3), 2)).toThrow(RangeError);
  });

  it("counts nothing for no features or no rows", () => {
    expect(featureBinCounts([], new Float64Array(0), 5)).toEqual([]);
    expect(featureBinCounts([deciles], new Float64Array(0), 0)).toEqual(new Array(10).fill(0));
  });
});

describe("psiFromCounts", () => {
  it("is (p − q)·ln(p/q) summed over bins, with empty bins floored at 1e-4 (known answer)", () => {
    const expected = (0.5 - 0.25) * Math.log(0.5 / 0.25) * 2 + (1e-4 - 0.25) * Math.log(1e-4 / 0.25) * 2;
    expect(psiFromCounts([5, 5, 0, 0])).toBeCloseTo(expected, 12);
  });

  it("is zero for even counts, no counts and no bins", () => {
    expect(psiFromCounts([3, 3, 3])).toBe(0);
    expect(psiFromCounts([0, 0, 0])).toBe(0);
    expect(psiFromCounts([])).toBe(0);
  });
});
