import { describe, expect, it } from "vitest";
import { crossValidate, trainSvm } from "../../model/index.ts";
import { loadBanknote, loadSklearnReference } from "./fixtures.ts";

const data = loadBanknote();
const reference = loadSklearnReference();

describe("on the banknote data set", () => {
  it("reaches a mean 5-fold accuracy of at least 0.990 with the default configuration", () => {
    const cv = crossValidate(data, { folds: 5 });
    expect(cv.metrics.measuredOn).toEqual({ method: "kfold", folds: 5 });
    expect(cv.folds.map((f) => f.testRows)).toEqual([275, 275, 274, 274, 274]);
    expect(cv.folds.every((f) => f.converged)).toBe(true);
    expect(cv.metrics.accuracy).toBeGreaterThanOrEqual(0.99);
  });

  it("matches scikit-learn's LinearSVC fold by fold with squared hinge", () => {
    const cv = crossValidate(data);
    const expected = reference.linearsvc_sqhinge_C1_scaled.fold_accuracy;
    cv.folds.forEach((fold, k) => expect(fold.metrics.accuracy).toBeCloseTo(expected[k], 5));
  });

  it("learns hinge-loss weights and bias within 0.01 of scikit-learn's LinearSVC", () => {
    const result = trainSvm(data, { loss: "hinge", C: 1 });
    const expected = reference.linearsvc_hinge_C1_scaled;
    expect(result.hyperparameters.solver).toBe("dcd");
    expect(result.converged).toBe(true);
    result.model.weights.forEach((w, j) => expect(Math.abs(w - expected.full_data_coef[j])).toBeLessThan(0.01));
    expect(Math.abs(result.model.bias - expected.full_data_intercept)).toBeLessThan(0.01);
  });

  it("learns squared-hinge weights within 0.01 of scikit-learn's with either solver", () => {
    const expected = reference.linearsvc_sqhinge_C1_scaled;
    for (const solver of ["newton", "dcd"] as const) {
      const { model } = trainSvm(data, { solver });
      model.weights.forEach((w, j) => expect(Math.abs(w - expected.full_data_coef[j])).toBeLessThan(0.01));
      expect(Math.abs(model.bias - expected.full_data_intercept)).toBeLessThan(0.01);
    }
  });

  it("reaches the same squared-hinge objective with Newton and with dual coordinate descent", () => {
    const newton = trainSvm(data, { solver: "newton" });
    const dcd = trainSvm(data, { solver: "dcd" });
    expect(newton.iterations).toBeLessThan(20);
    expect(Math.abs(newton.objective - dcd.objective) / dcd.objective).toBeLessThan(1e-6);
  });
});
