// Scoring and explanation. Serving folds the scaler into raw-space weights once ("compiles" the
// model), so each row costs one dot product: w·((x − μ)/σ) + b = Σ (wⱼ/σⱼ)·xⱼ + (b − Σ wⱼμⱼ/σⱼ).
import type { LinearModel } from "./artifact-schema.ts";
import type { CompiledModel, Explanation, Scores } from "./types.ts";

/** Folds the standardisation into the weights (the identity above); do it once per model. */
export function compileModel(model: LinearModel): CompiledModel {
  const d = model.featureNames.length;
  const weights = new Float64Array(d);
  let bias = model.bias;
  for (let j = 0; j < d; j++) {
    weights[j] = model.weights[j] / model.scaler.scale[j];
    bias -= weights[j] * model.scaler.mean[j];
  }
  return Object.freeze({ featureNames: Object.freeze([...model.featureNames]), weights, bias });
}

/** The decision rule of a linear SVM: class 1 when the margin w·x + b is positive. */
export function labelMargin(margin: number): 0 | 1 {
  return margin > 0 ? 1 : 0;
}

/** Margins and labels of a row-major n×d Float64Array (n = x.length / d). */
export function scoreMatrix(compiled: CompiledModel, x: Float64Array): Scores {
  const { weights, bias } = compiled;
  const d = weights.length;
  if (x.length % d !== 0) throw new RangeError(`${x.length} values do not make rows of ${d} features`);
  const n = x.length / d;
  const margins = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const offset = i * d;
    let margin = bias;
    for (let j = 0; j < d; j++) margin += weights[j] * x[offset + j];
    margins[i] = margin;
  }
  return { margins, labels: labelMargins(margins) };
}

/**
 * Margins and labels of a column-major matrix (feature j of row i at j·rows + i), as row frames
 * store features. Walking one feature at a time keeps reads contiguous; each margin still sums
 * the bias and then features 0…d−1 in order, so it is bit-identical to scoreMatrix's.
 */
export function scoreColumns(compiled: CompiledModel, columns: Float64Array, rows: number): Scores {
  const { weights, bias } = compiled;
  const d = weights.length;
  if (!Number.isInteger(rows) || rows < 0 || columns.length !== rows * d) {
    throw new RangeError(`${columns.length} values are not ${rows} rows of ${d} features`);
  }
  const margins = new Float64Array(rows).fill(bias);
  for (let j = 0; j < d; j++) {
    const weight = weights[j];
    const column = j * rows;
    for (let i = 0; i < rows; i++) margins[i] += weight * columns[column + i];
  }
  return { margins, labels: labelMargins(margins) };
}

/**
 * Margins and labels straight from parsed rows (e.g. JSON arrays), without first copying them into
 * a Float64Array: on the request path that copy costs more than the scoring itself.
 */
export function scoreRows(compiled: CompiledModel, rows: ArrayLike<ArrayLike<number>>): Scores {
  const { weights, bias } = compiled;
  const d = weights.length;
  const n = rows.length;
  const margins = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (row.length !== d) throw new RangeError(`row ${i} has ${row.length} features, the model takes ${d}`);
    let margin = bias;
    for (let j = 0; j < d; j++) margin += weights[j] * row[j];
    margins[i] = margin;
  }
  return { margins, labels: labelMargins(margins) };
}

// A separate pass: V8 runs the dot-product loop measurably faster without the label store in it.
// It also keeps every margin finite (JSON has no Infinity and D1 no NaN): an overflow is clamped
// to ±Number.MAX_VALUE, and a NaN (∞ − ∞) becomes 0. Bounded inputs (MAX_ABS_FEATURE) and finite
// artifacts make this unreachable in practice; it is the last line, not the first.
function labelMargins(margins: Float64Array): Uint8Array {
  const labels = new Uint8Array(margins.length);
  for (let i = 0; i < margins.length; i++) {
    const margin = margins[i];
    if (!(margin - margin === 0)) margins[i] = margin > 0 ? Number.MAX_VALUE : margin < 0 ? -Number.MAX_VALUE : 0;
    labels[i] = margins[i] > 0 ? 1 : 0;
  }
  return labels;
}

/**
 * Per-feature contributions to one row's margin in standardised space, cⱼ = wⱼ·(xⱼ − μⱼ)/σⱼ, so that
 * Σ cⱼ + b is the margin (the additive decomposition of a linear score; Štrumbelj & Kononenko 2014).
 */
export function explainRow(model: LinearModel, row: ArrayLike<number>): Explanation {
  const d = model.featureNames.length;
  if (row.length !== d) throw new RangeError(`the row has ${row.length} features, the model takes ${d}`);
  const contributions = new Array<number>(d);
  let margin = model.bias;
  for (let j = 0; j < d; j++) {
    contributions[j] = (model.weights[j] * (row[j] - model.scaler.mean[j])) / model.scaler.scale[j];
    margin += contributions[j];
  }
  return { margin, label: labelMargin(margin), contributions, bias: model.bias };
}
