// k-fold cross-validation and deterministic splits. Folds come from a function of the row
// index, by default row i in fold i mod k, so an evaluation never depends on a random draw.
import type { Evaluation, LinearModel, Metrics } from "./artifact-schema.ts";
import { selectRows } from "./dataset.ts";
import { computeMetrics } from "./metrics.ts";
import { compileModel, scoreMatrix } from "./score.ts";
import { trainSvm } from "./train.ts";
import type { Dataset, TrainOptions } from "./types.ts";

/** Which of `folds` folds row `row` belongs to, in 0..folds-1. */
export type FoldOf = (row: number, folds: number) => number;

export const foldByModulo: FoldOf = (row, folds) => row % folds;

export type FoldResult = {
  readonly fold: number;
  readonly trainRows: number;
  readonly testRows: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly metrics: Metrics;
};

export type CrossValidation = {
  readonly folds: FoldResult[];
  /** Each row's margin from the fold model that did not train on it (what calibration fits on). */
  readonly outOfFold: Float64Array;
  /** Means of the per-fold figures; the confusion matrix sums the folds. */
  readonly metrics: Evaluation;
};

/** Rows of fold `fold` as the test set, the rest as the training set, both in row order. */
export function splitFold(
  data: Dataset,
  fold: number,
  folds: number,
  foldOf: FoldOf = foldByModulo,
): { train: Dataset; test: Dataset } {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < data.y.length; i++) (foldOf(i, folds) === fold ? test : train).push(i);
  return { train: selectRows(data, train), test: selectRows(data, test) };
}

/** Scores a dataset with a model and measures the result. */
export function evaluateModel(model: LinearModel, data: Dataset): Metrics {
  return computeMetrics(data.y, scoreMatrix(compileModel(model), data.x).margins);
}

/** k-fold cross-validation (Stone 1974; Kohavi 1995) of trainSvm with the given options. */
export function crossValidate(
  data: Dataset,
  options: TrainOptions & { folds?: number; foldOf?: FoldOf } = {},
): CrossValidation {
  const { folds: k = 5, foldOf = foldByModulo, ...trainOptions } = options;
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be an integer ≥ 2, got ${k}`);
  const folds: FoldResult[] = [];
  const outOfFold = new Float64Array(data.y.length);
  for (let fold = 0; fold < k; fold++) {
    const { train, test } = splitFold(data, fold, k, foldOf);
    if (test.y.length === 0) throw new RangeError(`fold ${fold} of ${k} has no rows`);
    const result = trainSvm(train, trainOptions);
    const { margins } = scoreMatrix(compileModel(result.model), test.x);
    for (let i = 0, t = 0; i < data.y.length; i++) if (foldOf(i, k) === fold) outOfFold[i] = margins[t++];
    folds.push({
      fold,
      trainRows: train.y.length,
      testRows: test.y.length,
      iterations: result.iterations,
      converged: result.converged,
      metrics: computeMetrics(test.y, margins),
    });
  }
  return {
    folds,
    outOfFold,
    metrics: { ...averageMetrics(folds.map((f) => f.metrics)), measuredOn: { method: "kfold", folds: k } },
  };
}

function averageMetrics(all: Metrics[]): Metrics {
  const mean = (pick: (m: Metrics) => number): number => all.reduce((sum, m) => sum + pick(m), 0) / all.length;
  const aucs = all.map((m) => m.rocAuc);
  return {
    accuracy: mean((m) => m.accuracy),
    precision: mean((m) => m.precision),
    recall: mean((m) => m.recall),
    f1: mean((m) => m.f1),
    rocAuc: aucs.every((auc) => auc !== null) ? mean((m) => m.rocAuc ?? 0) : null,
    confusion: {
      tp: all.reduce((sum, m) => sum + m.confusion.tp, 0),
      fp: all.reduce((sum, m) => sum + m.confusion.fp, 0),
      tn: all.reduce((sum, m) => sum + m.confusion.tn, 0),
      fn: all.reduce((sum, m) => sum + m.confusion.fn, 0),
    },
  };
}
