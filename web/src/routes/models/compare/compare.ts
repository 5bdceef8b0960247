// The rows of a two-version comparison: each a label, both values as text, and for numbers the
// change from the first to the second, so a reader sees at once what moved.
import type { MetricsResponse, ModelDetail } from "$contract/api.ts";
import { formatDateTime, formatInteger, formatNumber, formatPercent } from "$lib/format.ts";
import { gateOf, liveAccuracyOf, measuredOnOf, METRIC_LABELS, metricOf, type MetricName } from "$lib/model-facts.ts";

export interface CompareRow {
  label: string;
  a: string;
  b: string;
  /** b − a, formatted, when both are numbers and they differ. */
  change: string | null;
  /** Whether the change is an improvement (for accuracy-like rows), a regression, or neither. */
  tone: "better" | "worse" | null;
}

export interface CompareGroup {
  title: string;
  rows: CompareRow[];
}

const text = (label: string, a: string, b: string): CompareRow => ({ label, a, b, change: null, tone: null });

function numeric(
  label: string,
  a: number | null,
  b: number | null,
  format: (value: number | null) => string,
  formatChange: (value: number) => string,
  higherIsBetter = false,
): CompareRow {
  const delta = a !== null && b !== null ? b - a : null;
  // A change too small to show at the row's precision is no change.
  const shown = delta === null ? null : formatChange(Math.abs(delta));
  if (delta === null || shown === null || !/[1-9]/.test(shown))
    return { label, a: format(a), b: format(b), change: null, tone: null };
  return {
    label,
    a: format(a),
    b: format(b),
    change: `${delta > 0 ? "+" : "−"}${shown}`,
    tone: higherIsBetter ? (delta > 0 ? "better" : "worse") : null,
  };
}

const HYPERPARAMETERS: Record<string, string> = {
  C: "C (regularisation)",
  loss: "Loss",
  solver: "Solver",
  classWeight: "Class weights",
  standardize: "Standardised features",
};

const hyper = (model: ModelDetail, key: string) => {
  const value = model.hyperparameters[key];
  return value === null || value === undefined
    ? "–"
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value);
};
const trainingOf = (model: ModelDetail) =>
  model.training as { iterations?: number; converged?: boolean; classCounts?: { "0": number; "1": number } };

export function compareModels(a: ModelDetail, b: ModelDetail, metrics: MetricsResponse): CompareGroup[] {
  const points = (value: number) => `${(100 * value).toFixed(2)} pts`;
  const metricRows = (Object.keys(METRIC_LABELS) as MetricName[]).map((name) =>
    numeric(METRIC_LABELS[name], metricOf(a, name), metricOf(b, name), (v) => formatPercent(v, 2), points, true),
  );
  const liveA = liveAccuracyOf(metrics, a.version);
  const liveB = liveAccuracyOf(metrics, b.version);
  const sameFeatures = a.featureNames.join() === b.featureNames.join();
  const weightRows = sameFeatures
    ? a.featureNames.map((name, j) =>
        numeric(
          `Weight of ${name}`,
          a.weights[j],
          b.weights[j],
          (v) => formatNumber(v, 4),
          (v) => formatNumber(v, 4),
        ),
      )
    : [text("Features", a.featureNames.join(", "), b.featureNames.join(", "))];
  const gateText = (model: ModelDetail) => {
    const gate = gateOf(model);
    return gate?.decision ? `${gate.decision}: ${gate.reason ?? ""}` : "no gate (first model)";
  };
  return [
    {
      title: "Registry",
      rows: [
        text("Status", a.champion ? "champion" : a.status, b.champion ? "champion" : b.status),
        text("Trained", formatDateTime(a.createdAt), formatDateTime(b.createdAt)),
        text("Source", a.source, b.source),
        text("Parent version", a.parentVersion ?? "–", b.parentVersion ?? "–"),
        text("Gate", gateText(a), gateText(b)),
      ],
    },
    {
      title: "Quality",
      rows: [
        ...metricRows,
        text("Measured on", measuredOnOf(a), measuredOnOf(b)),
        numeric(
          "Live accuracy",
          liveA?.accuracy ?? null,
          liveB?.accuracy ?? null,
          (v) => formatPercent(v, 1),
          points,
          true,
        ),
        numeric("Labelled rows (live)", liveA?.labelled ?? 0, liveB?.labelled ?? 0, formatInteger, formatInteger),
      ],
    },
    {
      title: "Training",
      rows: [
        numeric("Training rows", a.trainingRows, b.trainingRows, formatInteger, formatInteger),
        text(
          "Class counts (0 / 1)",
          `${trainingOf(a).classCounts?.["0"] ?? "–"} / ${trainingOf(a).classCounts?.["1"] ?? "–"}`,
          `${trainingOf(b).classCounts?.["0"] ?? "–"} / ${trainingOf(b).classCounts?.["1"] ?? "–"}`,
        ),
        text(
          "Solver iterations",
          `${trainingOf(a).iterations ?? "–"}${trainingOf(a).converged === false ? " (not converged)" : ""}`,
          `${trainingOf(b).iterations ?? "–"}${trainingOf(b).converged === false ? " (not converged)" : ""}`,
        ),
        ...Object.entries(HYPERPARAMETERS).map(([key, label]) => text(label, hyper(a, key), hyper(b, key))),
      ],
    },
    {
      title: "Weights (standardised features)",
      rows: [
        ...weightRows,
        numeric(
          "Bias",
          a.bias,
          b.bias,
          (v) => formatNumber(v, 4),
          (v) => formatNumber(v, 4),
        ),
      ],
    },
  ];
}
