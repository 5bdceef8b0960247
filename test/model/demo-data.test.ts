import { describe, expect, it } from "vitest";
import { crossValidate, evaluateModel, generateDemoData, trainSvm } from "../../model/index.ts";
import { loadBanknote } from "./fixtures.ts";

describe("generateDemoData", () => {
  it("gives the same rows for the same seed and different rows for another", () => {
    const first = generateDemoData({ rows: 300, seed: 1 });
    expect(generateDemoData({ rows: 300, seed: 1 })).toEqual(first);
    expect(generateDemoData({ rows: 300, seed: 2 }).x).not.toEqual(first.x);
  });

  it("imitates the banknote schema and class balance (about 44% class 1)", () => {
    const data = generateDemoData({ rows: 1000, seed: 4 });
    expect(data.featureNames).toEqual(["variance", "skewness", "curtosis", "entropy"]);
    expect(data.x).toHaveLength(4000);
    expect(data.y.reduce((a, b) => a + b, 0)).toBe(445);
  });

  it("follows the class-conditional means of the real data", () => {
    const data = generateDemoData({ rows: 4000, seed: 6 });
    let sum = 0;
    let count = 0;
    for (let i = 0; i < data.y.length; i++) {
      if (data.y[i] === 0) {
        sum += data.x[i * 4];
        count++;
      }
    }
    expect(sum / count).toBeCloseTo(2.27669, 0);
  });

  it("is learnable to high-90s accuracy, and a model learnt on it transfers to the real data", () => {
    const data = generateDemoData({ rows: 1500, seed: 8 });
    expect(crossValidate(data).metrics.accuracy).toBeGreaterThan(0.97);
    expect(evaluateModel(trainSvm(data).model, loadBanknote()).accuracy).toBeGreaterThan(0.95);
  });

  it("refuses a row count that is not a positive integer", () => {
    expect(() => generateDemoData({ rows: 0, seed: 1 })).toThrow(/positive integer/);
  });
});
