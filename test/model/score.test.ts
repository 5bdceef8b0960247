import { describe, expect, it } from "vitest";
import {
  compileModel,
  explainRow,
  generateClassification,
  labelMargin,
  scoreColumns,
  scoreMatrix,
  scoreRows,
  trainSvm,
} from "../../model/index.ts";
import type { LinearModel } from "../../model/index.ts";
import { loadBanknote } from "./fixtures.ts";

const banknote = loadBanknote();
const model = trainSvm(banknote).model;
const compiled = compileModel(model);
const d = model.featureNames.length;
const rowsOf = (x: Float64Array, width: number): number[][] =>
  Array.from({ length: x.length / width }, (_, i) => Array.from(x.subarray(i * width, i * width + width)));
/** Row-major n×d to column-major (feature j of row i at j·n + i), as row frames store features. */
function columnsOf(x: Float64Array, width: number): Float64Array {
  const n = x.length / width;
  const columns = new Float64Array(x.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) columns[j * n + i] = x[i * width + j];
  return columns;
}

/** The textbook definition, standardising each row: w·((x − μ)/σ) + b. */
function marginByDefinition(m: LinearModel, row: ArrayLike<number>): number {
  let margin = m.bias;
  for (let j = 0; j < m.weights.length; j++) margin += (m.weights[j] * (row[j] - m.scaler.mean[j])) / m.scaler.scale[j];
  return margin;
}

describe("compileModel", () => {
  it("folds the scaler into raw-space weights wⱼ/σⱼ and bias b − Σ wⱼμⱼ/σⱼ", () => {
    const tiny: LinearModel = {
      featureNames: ["a", "b"],
      scaler: { mean: [1, -2], scale: [2, 4] },
      weights: [3, 8],
      bias: 0.5,
    };
    const { weights, bias } = compileModel(tiny);
    expect(Array.from(weights)).toEqual([1.5, 2]);
    expect(bias).toBeCloseTo(0.5 - 1.5 * 1 - 2 * -2, 12);
  });
});

describe("scoreMatrix", () => {
  it("gives every row the margin w·((x − μ)/σ) + b and label 1 exactly when it is positive", () => {
    const { margins, labels } = scoreMatrix(compiled, banknote.x);
    expect(margins).toHaveLength(banknote.y.length);
    for (let i = 0; i < banknote.y.length; i++) {
      const expected = marginByDefinition(model, banknote.x.subarray(i * d, i * d + d));
      expect(margins[i]).toBeCloseTo(expected, 10);
      expect(labels[i]).toBe(expected > 0 ? 1 : 0);
    }
  });

  it("equals a plain raw-space dot product over the same Float64Array", () => {
    const { margins } = scoreMatrix(compiled, banknote.x);
    for (let i = 0; i < banknote.y.length; i++) {
      let plain = compiled.bias;
      for (let j = 0; j < d; j++) plain += compiled.weights[j] * banknote.x[i * d + j];
      expect(margins[i]).toBe(plain);
    }
  });

  it("refuses values that do not fill whole rows", () => {
    expect(() => scoreMatrix(compiled, new Float64Array(d + 1))).toThrow(/do not make rows of 4/);
  });
});

describe("scoreRows", () => {
  it("scores parsed arrays exactly as scoreMatrix scores the packed matrix", () => {
    const fromRows = scoreRows(compiled, rowsOf(banknote.x, d));
    const fromMatrix = scoreMatrix(compiled, banknote.x);
    expect(fromRows.margins).toEqual(fromMatrix.margins);
    expect(fromRows.labels).toEqual(fromMatrix.labels);
  });

  it("refuses a row with the wrong number of features", () => {
    expect(() =>
      scoreRows(compiled, [
        [1, 2, 3, 4],
        [1, 2, 3],
      ]),
    ).toThrow(/row 1 has 3 features, the model takes 4/);
  });

  it("scores seven-feature rows with a seven-feature model", () => {
    const wide = sevenFeatureRows();
    const wideModel = compileModel(trainSvm(wide).model);
    expect(scoreRows(wideModel, rowsOf(wide.x, 7)).margins).toEqual(scoreMatrix(wideModel, wide.x).margins);
  });
});

describe("scoreColumns", () => {
  it("gives bit-identical margins and the same labels as scoreMatrix on the same rows", () => {
    const n = banknote.y.length;
    const fromColumns = scoreColumns(compiled, columnsOf(banknote.x, d), n);
    const fromMatrix = scoreMatrix(compiled, banknote.x);
    expect(fromColumns.margins).toEqual(fromMatrix.margins);
    expect(fromColumns.margins.every((m, i) => Object.is(m, fromMatrix.margins[i]))).toBe(true);
    expect(fromColumns.labels).toEqual(fromMatrix.labels);
  });

  it("matches scoreMatrix with seven features too", () => {
    const wide = sevenFeatureRows();
    const wideModel = compileModel(trainSvm(wide).model);
    expect(scoreColumns(wideModel, columnsOf(wide.x, 7), 50)).toEqual(scoreMatrix(wideModel, wide.x));
  });

  it("clamps overflowing and NaN margins to finite values exactly as scoreMatrix does", () => {
    const huge = { featureNames: ["a", "b"], weights: Float64Array.of(Number.MAX_VALUE, 1), bias: 0 };
    const x = Float64Array.of(2, 0, -2, 0, 1, Infinity, Infinity, -Infinity, 0, NaN);
    const fromColumns = scoreColumns(huge, columnsOf(x, 2), 5);
    expect(fromColumns).toEqual(scoreMatrix(huge, x));
    expect(Array.from(fromColumns.margins)).toEqual([Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_VALUE, 0, 0]);
  });

  it("scores no rows to empty margins and labels", () => {
    expect(scoreColumns(compiled, new Float64Array(0), 0)).toEqual({
      margins: new Float64Array(0),
      labels: new Uint8Array(0),
    });
  });

  it.each([
    [d * 3 - 1, 3],
    [d * 3, 2],
    [d * 3, -3],
  ])("refuses %i values as %i rows of 4 features", (length, rows) => {
    expect(() => scoreColumns(compiled, new Float64Array(length), rows)).toThrow(RangeError);
  });
});

describe("explainRow", () => {
  it("gives contributions wⱼ·(xⱼ − μⱼ)/σⱼ that sum with the bias to the margin", () => {
    for (const i of [0, 1, 700, 1371]) {
      const row = banknote.x.subarray(i * d, i * d + d);
      const explanation = explainRow(model, row);
      expect(explanation.contributions).toHaveLength(d);
      expect(explanation.contributions[2]).toBeCloseTo(
        (model.weights[2] * (row[2] - model.scaler.mean[2])) / model.scaler.scale[2],
        12,
      );
      const sum = explanation.contributions.reduce((total, c) => total + c, explanation.bias);
      expect(sum).toBeCloseTo(explanation.margin, 12);
      expect(explanation.margin).toBeCloseTo(scoreMatrix(compiled, row).margins[0], 10);
      expect(explanation.label).toBe(labelMargin(explanation.margin));
    }
  });
});

describe("labelMargin", () => {
  it("predicts class 1 only for a strictly positive margin", () => {
    expect([labelMargin(-0.1), labelMargin(0), labelMargin(1e-12)]).toEqual([0, 0, 1]);
  });
});

/** 50 rows of 7 features, 3 of them informative. */
function sevenFeatureRows() {
  return generateClassification({ rows: 50, features: 7, informative: 3, redundant: 1, flip: 0, classSep: 1, seed: 5 });
}
