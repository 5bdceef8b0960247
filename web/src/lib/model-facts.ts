// What the pages say about a version's typed figures (the contract's ModelMetrics and
// PromotionGate): the names of the metrics recorded when it was trained, what they were measured
// on, and its live accuracy. The contract is imported by a relative path (types only), so Node
// tests can load this file.
import type { MetricsResponse, ModelMetrics, ModelSummary } from "../../../workers/contract/api.ts";

/** The metrics a version records when trained, in the order the pages show them. */
export const METRIC_LABELS = {
  accuracy: "Accuracy",
  precision: "Precision",
  recall: "Recall",
  f1: "F1",
  rocAuc: "ROC AUC",
} satisfies Partial<Record<keyof ModelMetrics, string>>;
export type MetricName = keyof typeof METRIC_LABELS;
export const METRIC_NAMES = Object.keys(METRIC_LABELS) as MetricName[];

/**
 * How the metrics recorded when a version was trained were measured: "5-fold cross-validation",
 * "its own holdout of 300 rows" (`short`: "5-fold CV", "own holdout"); "an unknown method" for a
 * version whose stored figures could not be read.
 */
export function measuredOnOf(model: Pick<ModelSummary, "metrics">, style: "long" | "short" = "long"): string {
  const on = model.metrics?.measuredOn;
  const short = style === "short";
  switch (on?.method) {
    case "kfold":
      return `${on.folds}-fold ${short ? "CV" : "cross-validation"}`;
    case "holdout":
      return short ? "own holdout" : `its own holdout of ${on.rows} rows`;
    case "training":
      return short ? "training rows" : "its training rows (not held out)";
    default:
      return short ? "unknown" : "an unknown method";
  }
}

/** Live accuracy (predictions against the labels people sent) of one version, if labelled. */
export function liveAccuracyOf(metrics: MetricsResponse | null, version: string) {
  return metrics?.liveAccuracy.find((entry) => entry.modelVersion === version) ?? null;
}
