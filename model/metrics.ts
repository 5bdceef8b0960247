// Binary classification metrics from true labels and margins: the confusion matrix and what
// follows from it, and ROC AUC computed from ranks so that no threshold is involved.
import type { Confusion, Metrics } from "./artifact-schema.ts";

/** Counts of true/false positives/negatives, class 1 being positive. */
export function computeConfusion(actual: ArrayLike<number>, predicted: ArrayLike<number>): Confusion {
  if (actual.length !== predicted.length) {
    throw new RangeError(`${actual.length} labels against ${predicted.length} predictions`);
  }
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < actual.length; i++) {
    if (predicted[i] === 1) {
      if (actual[i] === 1) tp++;
      else fp++;
    } else if (actual[i] === 1) fn++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

/**
 * Area under the ROC curve as the Mann–Whitney statistic, AUC = (R₁ − n₁(n₁+1)/2) / (n₁·n₀), with
 * tied scores sharing their average rank (Hanley & McNeil, Radiology 1982). Null for one class.
 */
export function computeRocAuc(actual: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  const n = actual.length;
  if (scores.length !== n) throw new RangeError(`${n} labels against ${scores.length} scores`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    const averageRank = (start + 1 + end) / 2; // ranks start..end-1, 1-based
    for (let k = start; k < end; k++) {
      if (actual[order[k]] === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Accuracy, precision, recall, F1 (van Rijsbergen 1979) and ROC AUC from true labels and margins,
 * predicting class 1 for a positive margin. A ratio with a zero denominator is 0, as in scikit-learn.
 */
export function computeMetrics(actual: ArrayLike<number>, margins: ArrayLike<number>): Metrics {
  const predicted = Uint8Array.from(margins, (m) => (m > 0 ? 1 : 0));
  const confusion = computeConfusion(actual, predicted);
  const { tp, fp, tn, fn } = confusion;
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    accuracy: ratio(tp + tn, tp + fp + tn + fn),
    precision,
    recall,
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    rocAuc: computeRocAuc(actual, margins),
    confusion,
  };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
