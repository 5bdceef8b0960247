// How well probabilities match outcomes: log-loss and the Brier score summarise it in one number
// each, reliability bins show where it fails (DeGroot & Fienberg, "The comparison and evaluation
// of forecasters", 1983; Niculescu-Mizil & Caruana, "Predicting good probabilities with
// supervised learning", ICML 2005). Probabilities are of class 1; labels are 0 or 1.

/** The probability given to the true class is floored here, so a sure mistake costs ≈34.5, not ∞. */
const LOG_LOSS_EPSILON = 1e-15;

/** One equal-width bin [lower, upper) of predicted probability; the last bin includes 1. */
export type ReliabilityBin = {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean predicted probability of the bin's rows; null for an empty bin. */
  readonly meanPredicted: number | null;
  /** Share of the bin's rows labelled 1; null for an empty bin. */
  readonly observedRate: number | null;
};

export type CalibrationReport = {
  readonly logLoss: number;
  readonly brierScore: number;
  readonly bins: ReliabilityBin[];
};

/**
 * Mean of −y·log p − (1 − y)·log(1 − p) (Good 1952), with the probability of the true class
 * floored at 1e-15. Flooring that probability, rather than clipping p to [1e-15, 1 − 1e-15] as
 * scikit-learn does, charges both classes the same −log(1e-15): 1 − 1e-15 is not a double.
 */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkPredictions(probabilities, labels);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const truth = labels[i] === 1 ? probabilities[i] : 1 - probabilities[i];
    total -= Math.log(Math.max(truth, LOG_LOSS_EPSILON));
  }
  return total / labels.length;
}

/** Mean of (p − y)², 0 for perfect and 0.25 for always ½ (Brier, Monthly Weather Review 1950). */
export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkPredictions(probabilities, labels);
  let total = 0;
  for (let i = 0; i < labels.length; i++) total += (probabilities[i] - labels[i]) ** 2;
  return total / labels.length;
}

/**
 * A reliability diagram's data (DeGroot & Fienberg 1983): `bins` equal-width bins over [0, 1],
 * each with its row count, mean predicted probability and observed rate of class 1. A calibrated
 * model has meanPredicted ≈ observedRate in every well-populated bin.
 */
export function reliabilityBins(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins = 10,
): ReliabilityBin[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  checkPredictions(probabilities, labels);
  const counts = new Array<number>(bins).fill(0);
  const predicted = new Array<number>(bins).fill(0);
  const ones = new Array<number>(bins).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i];
    const bin = binOf(p, bins);
    counts[bin]++;
    predicted[bin] += p;
    ones[bin] += labels[i];
  }
  return counts.map((count, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count,
    meanPredicted: count === 0 ? null : predicted[b] / count,
    observedRate: count === 0 ? null : ones[b] / count,
  }));
}

/** Log-loss, Brier score and reliability bins of the same predictions. */
export function calibrationReport(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins = 10,
): CalibrationReport {
  return {
    logLoss: logLoss(probabilities, labels),
    brierScore: brierScore(probabilities, labels),
    bins: reliabilityBins(probabilities, labels, bins),
  };
}

/**
 * The bin whose [b/bins, (b+1)/bins) holds p, judged against the same quotients that are reported
 * as lower and upper: p·bins alone can round across an edge (0.8999999999999999 · 10 is exactly 9).
 */
function binOf(p: number, bins: number): number {
  let bin = Math.min(Math.floor(p * bins), bins - 1);
  if (bin > 0 && p < bin / bins) bin--;
  else if (bin < bins - 1 && p >= (bin + 1) / bins) bin++;
  return bin;
}

/** Throws a RangeError unless there are rows, as many labels as probabilities, all in range. */
function checkPredictions(probabilities: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (probabilities.length !== labels.length) {
    throw new RangeError(`${probabilities.length} probabilities against ${labels.length} labels`);
  }
  if (labels.length === 0) throw new RangeError("calibration needs at least one row, got no rows");
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i];
    if (!(p >= 0 && p <= 1)) throw new RangeError(`row ${i}: probability ${p} is not within [0, 1]`);
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`row ${i}: label ${labels[i]} is not 0 or 1`);
  }
}
