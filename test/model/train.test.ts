import { describe, expect, it } from "vitest";
import {
  compileModel,
  crossValidate,
  generateClassification,
  resolveHyperparameters,
  scoreMatrix,
  trainSvm,
} from "../../model/index.ts";
import type { TrainOptions } from "../../model/index.ts";
import { resolveClassWeights } from "../../model/svm-problem.ts";
import { loadBanknote, makeDataset } from "./fixtures.ts";

// Two points at −1 and +1: by symmetry the bias is 0 and only w is left to find.
const symmetric = makeDataset([[-1], [1]], [0, 1]);

describe("trainSvm on tiny problems with known answers", () => {
  it("finds w = 40/41 for squared hinge with C = 10, with either solver", () => {
    // f(w) = ½w² + 2·10·(1 − w)², so f'(w) = 0 at w = 40/41.
    for (const solver of ["newton", "dcd"] as const) {
      const { model } = trainSvm(symmetric, { C: 10, solver, standardize: false, tol: 1e-10 });
      expect(model.weights[0]).toBeCloseTo(40 / 41, 8);
      expect(model.bias).toBeCloseTo(0, 8);
    }
  });

  it("finds w = 1/2 for hinge with C = 1/4", () => {
    // f(w) = ½w² + 2·¼·(1 − w) on w ≤ 1, minimised at w = ½.
    const { model } = trainSvm(symmetric, { C: 0.25, loss: "hinge", standardize: false, tol: 1e-10 });
    expect(model.weights[0]).toBeCloseTo(0.5, 8);
    expect(model.bias).toBeCloseTo(0, 8);
  });

  it("regularises the bias like a weight (hard margin at 0 and 2 gives w = 1, b = −1)", () => {
    const data = makeDataset([[0], [2]], [0, 1]);
    const { model, objective } = trainSvm(data, { C: 100, loss: "hinge", standardize: false, tol: 1e-10 });
    expect(model.weights[0]).toBeCloseTo(1, 6);
    expect(model.bias).toBeCloseTo(-1, 6);
    expect(objective).toBeCloseTo(1, 6);
  });
});

describe("trainSvm", () => {
  const banknote = loadBanknote();

  it("returns the same model for the same seed and a slightly different one for another seed", () => {
    const first = trainSvm(banknote, { loss: "hinge", seed: 7 });
    const again = trainSvm(banknote, { loss: "hinge", seed: 7 });
    const other = trainSvm(banknote, { loss: "hinge", seed: 8 });
    expect(again.model).toEqual(first.model);
    expect(other.model.weights).not.toEqual(first.model.weights);
    other.model.weights.forEach((w, j) => expect(w).toBeCloseTo(first.model.weights[j], 2));
  });

  it("reports that it stopped at the iteration cap without converging", () => {
    const result = trainSvm(banknote, { loss: "hinge", maxIter: 2 });
    expect(result.iterations).toBe(2);
    expect(result.converged).toBe(false);
  });

  it("shifts the decision toward the class that weighs more", () => {
    const noisy = generateClassification({
      rows: 600,
      features: 3,
      informative: 2,
      redundant: 0,
      flip: 0.3,
      classSep: 0.5,
      seed: 3,
    });
    const predictedOnes = (options: TrainOptions): number => {
      const { labels } = scoreMatrix(compileModel(trainSvm(noisy, options).model), noisy.x);
      return labels.reduce((sum, label) => sum + label, 0);
    };
    const plain = predictedOnes({});
    const favourOnes = predictedOnes({ classWeight: { 0: 1, 1: 5 } });
    const favourZeros = predictedOnes({ classWeight: { 0: 5, 1: 1 } });
    expect(favourOnes).toBeGreaterThan(plain);
    expect(favourZeros).toBeLessThan(plain);
  });

  it("balances class weights as n / (2·n_class)", () => {
    expect(resolveClassWeights("balanced", Uint8Array.from([0, 0, 0, 1]))).toEqual([4 / 6, 2]);
    expect(resolveClassWeights({ "0": 2, "1": 3 }, Uint8Array.from([0, 1]))).toEqual([2, 3]);
    expect(resolveClassWeights(null, Uint8Array.from([0, 1]))).toEqual([1, 1]);
  });

  it("takes its feature count from the data (seven features here)", () => {
    const wide = generateClassification({
      rows: 700,
      features: 7,
      informative: 3,
      redundant: 2,
      flip: 0,
      classSep: 2,
      seed: 11,
    });
    const result = trainSvm(wide);
    expect(result.model.featureNames).toEqual(["f0", "f1", "f2", "f3", "f4", "f5", "f6"]);
    expect(result.model.weights).toHaveLength(7);
    expect(result.model.scaler.mean).toHaveLength(7);
    expect(crossValidate(wide).metrics.accuracy).toBeGreaterThan(0.8);
  });

  it("returns a frozen model", () => {
    const { model } = trainSvm(symmetric);
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.weights)).toBe(true);
    expect(Object.isFrozen(model.scaler.mean)).toBe(true);
  });

  it("defaults to squared hinge, C = 1, standardisation and the Newton solver", () => {
    expect(resolveHyperparameters()).toEqual({
      C: 1,
      loss: "squared-hinge",
      solver: "newton",
      classWeight: null,
      standardize: true,
      seed: 0,
      tol: 1e-4,
      maxIter: 1000,
    });
    expect(resolveHyperparameters({ loss: "hinge" }).solver).toBe("dcd");
    expect(resolveHyperparameters({ C: undefined, seed: undefined }).C).toBe(1);
  });

  it.each([
    ["a single class", makeDataset([[1], [2]], [1, 1]), {}, /both classes/],
    ["a label other than 0 or 1", makeDataset([[1], [2]], [0, 2]), {}, /label 2/],
    ["a non-finite feature", makeDataset([[1], [NaN]], [0, 1]), {}, /not finite/],
    ["Newton with hinge loss", symmetric, { loss: "hinge", solver: "newton" }, /newton solver needs/],
    ["a non-positive C", symmetric, { C: 0 }, /invalid training options/],
  ] as const)("refuses %s", (_, data, options, message) => {
    expect(() => trainSvm(data, options)).toThrow(message);
  });
});
