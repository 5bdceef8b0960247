import { describe, expect, it } from "vitest";
import { crossValidate, splitFold } from "../../model/index.ts";
import { makeDataset } from "./fixtures.ts";

const data = makeDataset(
  Array.from({ length: 10 }, (_, i) => [i, -i]),
  Array.from({ length: 10 }, (_, i) => (i < 5 ? 0 : 1)),
);

describe("splitFold", () => {
  it("puts row i in fold i mod k by default, keeping row order", () => {
    const { train, test } = splitFold(data, 1, 3);
    expect(Array.from(test.x.filter((_, k) => k % 2 === 0))).toEqual([1, 4, 7]);
    expect(Array.from(train.x.filter((_, k) => k % 2 === 0))).toEqual([0, 2, 3, 5, 6, 8, 9]);
    expect(Array.from(test.y)).toEqual([0, 0, 1]);
  });

  it("accepts another deterministic fold function", () => {
    const firstHalf = (row: number, folds: number): number => (row < 5 ? 0 : folds - 1);
    expect(splitFold(data, 0, 2, firstHalf).test.y.length).toBe(5);
  });
});

describe("crossValidate", () => {
  it("trains one model per fold and averages their figures", () => {
    const cv = crossValidate(data, { folds: 2 });
    expect(cv.folds.map((f) => [f.trainRows, f.testRows])).toEqual([
      [5, 5],
      [5, 5],
    ]);
    const meanAccuracy = (cv.folds[0].metrics.accuracy + cv.folds[1].metrics.accuracy) / 2;
    expect(cv.metrics.accuracy).toBe(meanAccuracy);
    const { tp, fp, tn, fn } = cv.metrics.confusion;
    expect(tp + fp + tn + fn).toBe(10);
  });

  it("refuses fewer than two folds", () => {
    expect(() => crossValidate(data, { folds: 1 })).toThrow(/folds must be an integer ≥ 2/);
  });
});
