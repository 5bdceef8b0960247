import { describe, expect, it } from "vitest";
import {
  brierScore,
  calibrationReport,
  compileModel,
  createRandom,
  fitPlatt,
  generateClassification,
  isHoldout,
  labelMargin,
  logLoss,
  plattProbability,
  reliabilityBins,
  rowKey,
  scoreMatrix,
  selectRows,
  trainSvm,
} from "../../model/index.ts";
import type { CalibrationReport, Dataset, PlattParams } from "../../model/index.ts";
import { loadBanknote } from "./fixtures.ts";

/** The criterion: a bin holding at least this many rows must be within TOLERANCE. */
const MIN_BIN_ROWS = 30;
const TOLERANCE = 0.05;

type Scored = { margins: Float64Array; labels: Uint8Array };

/**
 * Trains on the rows outside the project's hash holdout (1 in 5, model/holdout.ts) and returns
 * the compiled model with its margins on the holdout, where Platt is fitted.
 */
function trainWithHoldout(data: Dataset): { score: (rows: Dataset) => Scored; holdout: Scored } {
  const d = data.featureNames.length;
  const train: number[] = [];
  const holdout: number[] = [];
  for (let i = 0; i < data.y.length; i++) {
    (isHoldout(rowKey(data.x.subarray(i * d, i * d + d))) ? holdout : train).push(i);
  }
  const compiled = compileModel(trainSvm(selectRows(data, train)).model);
  const score = (rows: Dataset): Scored => ({ margins: scoreMatrix(compiled, rows.x).margins, labels: rows.y });
  return { score, holdout: score(selectRows(data, holdout)) };
}

function probabilitiesOf(params: PlattParams, margins: ArrayLike<number>): Float64Array {
  return Float64Array.from(margins, (m) => plattProbability(params, m));
}

/** Checks the criterion and returns how many bins it applied to. */
function expectCalibratedBins(report: CalibrationReport): number {
  const populated = report.bins.filter((bin) => bin.count >= MIN_BIN_ROWS);
  for (const bin of populated) {
    expect(Math.abs((bin.meanPredicted ?? NaN) - (bin.observedRate ?? NaN))).toBeLessThanOrEqual(TOLERANCE);
  }
  return populated.length;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Log-loss of a constant prediction at the labels' own base rate: the best without features. */
function constantRateLogLoss(labels: ArrayLike<number>): number {
  return logLoss(new Float64Array(labels.length).fill(mean(labels)), labels);
}

/** The hard 0/1 predictions of the SVM's decision rule, as probabilities. */
function hardPredictions(margins: Float64Array): Float64Array {
  return Float64Array.from(margins, labelMargin);
}

describe("Platt scaling on the banknote holdout", () => {
  const { holdout } = trainWithHoldout(loadBanknote());
  const platt = fitPlatt(holdout.margins, holdout.labels);
  const report = calibrationReport(probabilitiesOf(platt, holdout.margins), holdout.labels);

  it("fits a negative slope, since larger margins mean class 1", () => {
    expect(holdout.labels.length).toBe(251);
    expect(platt.a).toBeLessThan(0);
    expect(Number.isFinite(platt.b)).toBe(true);
    expect(platt.iterations).toBeGreaterThan(0);
  });

  it("keeps every reliability bin holding ≥ 30 rows within ±0.05 of its observed rate", () => {
    // The banknote data is nearly separable (≈99% accuracy): only the two end bins fill up
    // (125 and 110 of 251 rows), so on this data the criterion checks confident predictions
    // only. The synthetic tests below fill every bin.
    expect(expectCalibratedBins(report)).toBe(2);
  });

  it("beats the hard 0/1 predictor and the constant base rate on log-loss and Brier score", () => {
    const hard = hardPredictions(holdout.margins);
    expect(report.logLoss).toBeLessThan(logLoss(hard, holdout.labels));
    expect(report.logLoss).toBeLessThan(constantRateLogLoss(holdout.labels));
    expect(report.brierScore).toBeLessThan(brierScore(hard, holdout.labels));
  });
});

/**
 * x ~ N(0, I₄) and y ~ Bernoulli(σ(k·(0.3 + w·x))): every label is noisy, and the true P(y = 1)
 * is a sigmoid of a linear score, which is what Platt's model assumes of the SVM's margin.
 */
function generateLogistic(rows: number, seed: number, k = 2): { data: Dataset; truth: Float64Array } {
  const w = [1, -0.5, 0.25, 0];
  const random = createRandom(seed);
  const x = new Float64Array(rows * w.length);
  const y = new Uint8Array(rows);
  const truth = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let score = 0.3;
    for (let j = 0; j < w.length; j++) {
      x[i * w.length + j] = random.nextNormal();
      score += w[j] * x[i * w.length + j];
    }
    truth[i] = 1 / (1 + Math.exp(-k * score));
    y[i] = random.nextFloat() < truth[i] ? 1 : 0;
  }
  return { data: { featureNames: ["x0", "x1", "x2", "x3"], x, y }, truth };
}

describe("Platt scaling where its sigmoid is the true link", () => {
  // Fitted on the 20,000-row holdout of 100,000 rows, judged on 100,000 rows neither the SVM nor
  // the sigmoid has seen. Bins then hold thousands of rows, so ±0.05 is several standard errors
  // of an observed rate; with a few hundred rows a bin at ½ misses it by chance alone.
  const { score, holdout } = trainWithHoldout(generateLogistic(100_000, 1).data);
  const platt = fitPlatt(holdout.margins, holdout.labels);
  const fresh = generateLogistic(100_000, 2);
  const judged = score(fresh.data);
  const probabilities = probabilitiesOf(platt, judged.margins);
  const report = calibrationReport(probabilities, judged.labels);

  it("is within ±0.05 of the observed rate in every bin, the middle ones included", () => {
    expect(platt.a).toBeLessThan(0);
    expect(expectCalibratedBins(report)).toBe(10);
  });

  it("gives every row a probability within 0.05 of its true one", () => {
    let worst = 0;
    probabilities.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - fresh.truth[i]))));
    expect(worst).toBeLessThan(TOLERANCE);
  });

  it("beats the hard 0/1 predictor and the constant base rate on log-loss", () => {
    expect(report.logLoss).toBeLessThan(constantRateLogLoss(judged.labels));
    expect(report.logLoss).toBeLessThan(logLoss(hardPredictions(judged.margins), judged.labels));
  });
});

describe("Platt scaling on generateClassification data with flipped labels", () => {
  // Two anisotropic Gaussian clusters per class, and 20% of labels redrawn at random, which puts
  // plateaus near 0.1 and 0.9: P(y = 1 | margin) is not a sigmoid here, and two parameters cannot
  // follow it. Here the bins miss ±0.05 by up to 0.19; over 45 settings of flip (0–0.2), classSep
  // and informative the worst bin met it in 2. So this checks what Platt does guarantee: better
  // scores than the baselines, and the right mean. One draw of 60,000 rows (the seed fixes the
  // clusters): the first half trains and fits, the second half judges.
  const data = generateClassification({
    rows: 60_000,
    features: 5,
    informative: 3,
    redundant: 1,
    flip: 0.2,
    classSep: 1,
    seed: 12,
  });
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
  const { score, holdout } = trainWithHoldout(selectRows(data, range(0, 30_000)));
  const platt = fitPlatt(holdout.margins, holdout.labels);
  const judged = score(selectRows(data, range(30_000, 60_000)));
  const probabilities = probabilitiesOf(platt, judged.margins);
  const report = calibrationReport(probabilities, judged.labels);

  it("beats the hard 0/1 predictor and the constant base rate on log-loss and Brier score", () => {
    const hard = hardPredictions(judged.margins);
    expect(report.logLoss).toBeLessThan(constantRateLogLoss(judged.labels));
    expect(report.logLoss).toBeLessThan(logLoss(hard, judged.labels));
    expect(report.brierScore).toBeLessThan(brierScore(hard, judged.labels));
  });

  it("predicts the observed rate of class 1 on average", () => {
    expect(Math.abs(mean(probabilities) - mean(judged.labels))).toBeLessThan(0.01);
  });
});

describe("fitPlatt", () => {
  it("recovers a = −ln 2, b = 0 when two margins carry smoothed targets of 2/3 and 1/3", () => {
    // N₊ = N₋ = 4, so targets are 5/6 and 1/6 (Platt 1999). At m = 1: three 1s, one 0 → mean
    // target 2/3; at m = −1: the mirror, 1/3. Two parameters fit two groups exactly.
    const platt = fitPlatt([1, 1, 1, 1, -1, -1, -1, -1], [1, 1, 1, 0, 1, 0, 0, 0]);
    expect(platt.a).toBeCloseTo(-Math.LN2, 6);
    expect(platt.b).toBeCloseTo(0, 6);
    expect(plattProbability(platt, 1)).toBeCloseTo(2 / 3, 6);
  });

  it("stops where the gradient of the cross-entropy vanishes", () => {
    const margins = [-2.5, -1.2, -0.7, -0.1, 0.3, 0.4, 1.1, 1.9, 2.2, -0.3];
    const labels = [0, 0, 1, 0, 1, 0, 1, 1, 1, 1];
    const platt = fitPlatt(margins, labels);
    const positives = labels.filter((y) => y === 1).length;
    const negatives = labels.length - positives;
    let gradientA = 0;
    let gradientB = 0;
    margins.forEach((m, i) => {
      const target = labels[i] === 1 ? (positives + 1) / (positives + 2) : 1 / (negatives + 2);
      const residual = target - plattProbability(platt, m);
      gradientA += m * residual;
      gradientB += residual;
    });
    expect(Math.abs(gradientA)).toBeLessThan(1e-5);
    expect(Math.abs(gradientB)).toBeLessThan(1e-5);
  });

  it("stays finite on separable margins at any scale, where unsmoothed targets send a to −∞", () => {
    const margins = [-3, -2, -1, 1, 2, 3];
    const labels = [0, 0, 0, 1, 1, 1];
    const unit = fitPlatt(margins, labels);
    for (const scale of [1e-6, 1e3, 1e12]) {
      const platt = fitPlatt(
        margins.map((m) => m * scale),
        labels,
      );
      expect(Number.isFinite(platt.a) && Number.isFinite(platt.b)).toBe(true);
      expect(platt.a).toBeLessThan(0);
      // Rescaling the margins rescales a and leaves the probabilities as they were.
      for (const m of margins) expect(plattProbability(platt, m * scale)).toBeCloseTo(plattProbability(unit, m), 6);
    }
  });

  it.each([
    { name: "all class 1", label: 1, expected: (n: number) => (n + 1) / (n + 2) },
    { name: "all class 0", label: 0, expected: (n: number) => 1 / (n + 2) },
  ])("predicts the smoothed target for every margin when the rows are $name", ({ label, expected }) => {
    const margins = [-4, -1, 0, 2, 5, 9];
    const platt = fitPlatt(margins, new Array<number>(margins.length).fill(label));
    expect(Number.isFinite(platt.a) && Number.isFinite(platt.b)).toBe(true);
    for (const m of [-1e9, -1, 0, 3, 1e9]) expect(plattProbability(platt, m)).toBeCloseTo(expected(6), 9);
  });

  it.each([8, 1_000, 100_000])("stays finite when all %i margins are equal, predicting near the base rate", (n) => {
    const labels = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const platt = fitPlatt(new Array<number>(n).fill(0.7), labels);
    expect(Number.isFinite(platt.a) && Number.isFinite(platt.b)).toBe(true);
    expect(plattProbability(platt, 0.7)).toBeCloseTo(labels.filter((y) => y === 1).length / n, 1);
  });

  it("gives mirrored probabilities when labels and margins are both flipped", () => {
    const margins = [-2.5, -1.2, -0.7, -0.1, 0.3, 0.4, 1.1, 1.9, 2.2, -0.3, 0.9];
    const labels = [0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0];
    const platt = fitPlatt(margins, labels);
    const mirrored = fitPlatt(
      margins.map((m) => -m),
      labels.map((y) => 1 - y),
    );
    expect(mirrored.a).toBeCloseTo(platt.a, 9);
    expect(mirrored.b).toBeCloseTo(-platt.b, 9);
    for (const m of margins) expect(plattProbability(mirrored, -m)).toBeCloseTo(1 - plattProbability(platt, m), 9);
  });

  it("returns the prior-odds start for no rows, which predicts ½", () => {
    const platt = fitPlatt([], []);
    expect(platt).toEqual({ a: 0, b: 0, iterations: 0 });
    expect(plattProbability(platt, 7)).toBe(0.5);
  });

  it.each([
    { name: "lengths differ", margins: [1, 2], labels: [1], message: /2 margins against 1 labels/ },
    { name: "a label is not 0 or 1", margins: [1, 2], labels: [1, 2], message: /row 1: label 2 is not 0 or 1/ },
    { name: "a margin is NaN", margins: [1, NaN], labels: [1, 0], message: /row 1: margin NaN is not finite/ },
    { name: "a margin is infinite", margins: [Infinity], labels: [1], message: /row 0: margin Infinity/ },
  ])("refuses input where $name", ({ margins, labels, message }) => {
    expect(() => fitPlatt(margins, labels)).toThrow(message);
  });
});

describe("plattProbability", () => {
  const params = { a: -1.5, b: 0.25 };

  it("is 1 / (1 + exp(a·m + b))", () => {
    expect(plattProbability(params, 2)).toBeCloseTo(1 / (1 + Math.exp(-3 + 0.25)), 15);
    expect(plattProbability(params, -1)).toBeCloseTo(1 / (1 + Math.exp(1.5 + 0.25)), 15);
  });

  it("stays within [0, 1] and never NaN for any margin, infinite ones included", () => {
    for (const p of [params, { a: 0, b: -2 }, { a: 3, b: 0 }]) {
      for (const m of [-Infinity, -1e308, -800, -1, 0, 1, 800, 1e308, Infinity]) {
        const probability = plattProbability(p, m);
        expect(probability).toBeGreaterThanOrEqual(0);
        expect(probability).toBeLessThanOrEqual(1);
      }
    }
    expect(plattProbability(params, 1e308)).toBe(1);
    expect(plattProbability(params, -1e308)).toBe(0);
    expect(plattProbability({ a: 0, b: 0 }, Infinity)).toBe(0.5);
  });

  it("refuses a NaN margin rather than return NaN", () => {
    expect(() => plattProbability(params, NaN)).toThrow(/margin NaN/);
  });
});

describe("calibration metrics", () => {
  const probabilities = [0.9, 0.8, 0.3, 0.1, 0.6, 1];
  const labels = [1, 1, 0, 0, 0, 1];

  it("computes log-loss as the mean negative log-likelihood, clipping at 1e-15", () => {
    const expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.7) + Math.log(0.9) + Math.log(0.4) + 0) / 6;
    expect(logLoss(probabilities, labels)).toBeCloseTo(expected, 12);
    expect(logLoss([0, 1], [1, 0])).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it("computes the Brier score as the mean squared error of the probabilities", () => {
    const expected = (0.01 + 0.04 + 0.09 + 0.01 + 0.36 + 0) / 6;
    expect(brierScore(probabilities, labels)).toBeCloseTo(expected, 12);
  });

  it("bins by equal width with the last bin closed, reporting empty bins as null", () => {
    const bins = reliabilityBins([0, 0.05, 0.2, 0.5, 0.55, 1], [0, 1, 0, 1, 1, 1], 4);
    expect(bins.map((bin) => [bin.lower, bin.upper, bin.count])).toEqual([
      [0, 0.25, 3],
      [0.25, 0.5, 0],
      [0.5, 0.75, 2],
      [0.75, 1, 1],
    ]);
    expect(bins[0].meanPredicted).toBeCloseTo(0.25 / 3, 12);
    expect(bins[0].observedRate).toBeCloseTo(1 / 3, 12);
    expect(bins[1]).toMatchObject({ meanPredicted: null, observedRate: null });
    expect(bins[3]).toMatchObject({ meanPredicted: 1, observedRate: 1 });
  });

  it("puts a probability on a bin edge into the bin that starts there", () => {
    const edges = Array.from({ length: 10 }, (_, b) => b / 10);
    const bins = reliabilityBins(edges, new Array<number>(10).fill(1));
    expect(bins.map((bin) => bin.count)).toEqual(new Array<number>(10).fill(1));
    bins.forEach((bin, b) => expect(bin.meanPredicted).toBe(edges[b]));
  });

  it("keeps a probability just below an edge out of the next bin, though p·bins rounds up to it", () => {
    // 0.8999999999999999 · 10 === 9 and 0.29 · 100 === 28.999999999999996 in binary floating point.
    expect(reliabilityBins([0.8999999999999999], [1])[8].count).toBe(1);
    expect(reliabilityBins([0.29], [1], 100)[29].count).toBe(1);
  });

  it("bundles the three figures in one report", () => {
    expect(calibrationReport(probabilities, labels)).toEqual({
      logLoss: logLoss(probabilities, labels),
      brierScore: brierScore(probabilities, labels),
      bins: reliabilityBins(probabilities, labels),
    });
  });

  it.each([
    { name: "lengths differ", probabilities: [0.5], labels: [1, 0], message: /1 probabilities against 2 labels/ },
    { name: "there are no rows", probabilities: [], labels: [], message: /no rows/ },
    { name: "a probability is above 1", probabilities: [1.5], labels: [1], message: /row 0: probability 1.5/ },
    { name: "a probability is NaN", probabilities: [0.5, NaN], labels: [1, 0], message: /row 1: probability NaN/ },
    { name: "a label is not 0 or 1", probabilities: [0.5], labels: [3], message: /row 0: label 3 is not 0 or 1/ },
  ])("refuses input where $name", ({ probabilities: p, labels: y, message }) => {
    expect(() => logLoss(p, y)).toThrow(message);
    expect(() => brierScore(p, y)).toThrow(message);
    expect(() => reliabilityBins(p, y)).toThrow(message);
  });

  it("refuses a bin count that is not a positive integer", () => {
    expect(() => reliabilityBins([0.5], [1], 0)).toThrow(/bins must be a positive integer/);
    expect(() => reliabilityBins([0.5], [1], 2.5)).toThrow(/bins must be a positive integer/);
  });
});
