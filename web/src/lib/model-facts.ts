// Typed readings of a model's free-form `metrics` and `gate` records (the contract keeps them
// open so the registry can grow), with the fallbacks the pages need when a field is absent.
import type { MetricsResponse, ModelSummary } from "$contract/api.ts";

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

/** How the held-out metrics were measured: "5-fold CV" or "holdout of 300 rows". */
export function measuredOnOf(model: Pick<ModelSummary, "metrics">): string {
  const on = model.metrics.measuredOn as { method?: unknown; folds?: unknown; rows?: unknown } | undefined;
  if (on?.method === "kfold") return `${numberOr(on.folds) ?? "k"}-fold cross-validation`;
  if (on?.method === "holdout") return `holdout of ${numberOr(on.rows) ?? "?"} rows`;
  if (on?.method === "training") return "training rows (not held out)";
  return "unknown method";
}

export interface GateFacts {
  decision: "promoted" | "rejected" | null;
  reason: string | null;
  championVersion: string | null;
  championAccuracy: number | null;
  challengerAccuracy: number | null;
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
  };
}

/** Live accuracy (predictions against the labels people sent) of one version, if labelled. */
export function liveAccuracyOf(metrics: MetricsResponse | null, version: string) {
  return metrics?.liveAccuracy.find((entry) => entry.modelVersion === version) ?? null;
}
