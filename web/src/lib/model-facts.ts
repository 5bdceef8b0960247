// Typed readings of a model's free-form `metrics` and `gate` records (the contract keeps them
// open so the registry can grow), with the fallbacks the pages need when a field is absent.
// The contract is imported by a relative path (types only), so Node tests can load this file.
import type { MetricsResponse, ModelSummary } from "../../../workers/contract/api.ts";
import { CalibrationSchema, type Calibration } from "../../../model/artifact-schema.ts";

export type MetricName = "accuracy" | "precision" | "recall" | "f1" | "rocAuc";
export const METRIC_LABELS: Record<MetricName, string> = {
  accuracy: "Accuracy",
  precision: "Precision",
  recall: "Recall",
  f1: "F1",
  rocAuc: "ROC AUC",
};

const numberOr = (value: unknown): number | null => (typeof value === "number" ? value : null);
const stringOr = (value: unknown): string | null => (typeof value === "string" ? value : null);

export function metricOf(model: Pick<ModelSummary, "metrics">, name: MetricName): number | null {
  return numberOr(model.metrics[name]);
}

/**
 * How the metrics recorded when a version was trained were measured: "5-fold cross-validation",
 * "its own holdout of 300 rows" (`short`: "5-fold CV", "own holdout").
 */
export function measuredOnOf(model: Pick<ModelSummary, "metrics">, style: "long" | "short" = "long"): string {
  const on = model.metrics.measuredOn as { method?: unknown; folds?: unknown; rows?: unknown } | undefined;
  const short = style === "short";
  if (on?.method === "kfold") return `${numberOr(on.folds) ?? "k"}-fold ${short ? "CV" : "cross-validation"}`;
  if (on?.method === "holdout") return short ? "own holdout" : `its own holdout of ${numberOr(on.rows) ?? "?"} rows`;
  if (on?.method === "training") return short ? "training rows" : "its training rows (not held out)";
  return short ? "unknown" : "an unknown method";
}

export interface GateFacts {
  decision: "promoted" | "rejected" | null;
  reason: string | null;
  championVersion: string | null;
  championAccuracy: number | null;
  challengerAccuracy: number | null;
  /** How far below the champion a challenger may be and still be promoted. */
  maxDrop: number | null;
}

export function gateOf(model: Pick<ModelSummary, "gate">): GateFacts | null {
  const gate = model.gate;
  if (!gate) return null;
  const decision = stringOr(gate.decision);
  return {
    decision: decision === "promoted" || decision === "rejected" ? decision : null,
    reason: stringOr(gate.reason),
    championVersion: stringOr(gate.championVersion),
    championAccuracy: numberOr(gate.championAccuracy),
    challengerAccuracy: numberOr(gate.challengerAccuracy),
    maxDrop: numberOr(gate.maxDrop),
  };
}

/** Live accuracy (predictions against the labels people sent) of one version, if labelled. */
export function liveAccuracyOf(metrics: MetricsResponse | null, version: string) {
  return metrics?.liveAccuracy.find((entry) => entry.modelVersion === version) ?? null;
}

/** The calibration a version's metrics carry (log-loss, Brier score, reliability bins), or null. */
export function calibrationOf(model: Pick<ModelSummary, "metrics">): Calibration | null {
  const parsed = CalibrationSchema.safeParse(model.metrics.calibration);
  return parsed.success ? parsed.data : null;
}
