// Calibrated probabilities for a trained model: Platt scaling fitted on margins the model did not
// train on (model/platt.ts), with how well the probabilities fit there (model/calibration.ts),
// in the artifact's shape. Serving turns a margin into a probability with the artifact's a and b.
import type { Calibration, MeasuredOn } from "./artifact-schema.ts";
import { calibrationReport } from "./calibration.ts";
import { fitPlatt, plattProbability } from "./platt.ts";

/** Fits and measures a calibration; null when there is nothing to fit on. */
export function calibrate(
  margins: ArrayLike<number>,
  labels: ArrayLike<number>,
  measuredOn: MeasuredOn,
): Calibration | null {
  if (labels.length === 0) return null;
  const { a, b } = fitPlatt(margins, labels);
  const probabilities = Float64Array.from(margins, (m) => plattProbability({ a, b }, m));
  const report = calibrationReport(probabilities, labels);
  return {
    method: "platt",
    a,
    b,
    measuredOn,
    logLoss: report.logLoss,
    brier: report.brierScore,
    reliability: report.bins,
  };
}

/**
 * A k-fold run's calibration, for a model then fitted on all rows (as scikit-learn's
 * CalibratedClassifierCV with ensemble=False): Platt fitted on each row's out-of-fold margin.
 * Spread into buildArtifact's input.
 */
export function calibrateOutOfFold(
  cv: { outOfFold: Float64Array; metrics: { measuredOn: MeasuredOn } },
  labels: ArrayLike<number>,
): { calibration?: Calibration } {
  const calibration = calibrate(cv.outOfFold, labels, cv.metrics.measuredOn);
  return calibration ? { calibration } : {};
}

/** P(class 1) for a margin, or null for a model without a calibration. */
export function probabilityOf(calibration: Pick<Calibration, "a" | "b"> | undefined, margin: number): number | null {
  return calibration ? plattProbability(calibration, margin) : null;
}
