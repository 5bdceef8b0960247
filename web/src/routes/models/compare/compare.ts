// The rows of a two-version comparison: each a label, both values as text, and for numbers the
// change from the first to the second, so a reader sees at once what moved. Accuracy is compared
// only on rows both versions were measured on (the latest holdout); the metrics recorded when each
// was trained are shown side by side, never as a change, since each was measured on its own rows.
import type { MetricsResponse, ModelDetail } from "$contract/api.ts";
import { compareAccuracy, type Holdout } from "$lib/accuracy.ts";
import { formatDateTime, formatInteger, formatNumber, formatPercent } from "$lib/format.ts";
import { liveAccuracyOf, measuredOnOf, METRIC_LABELS, METRIC_NAMES } from "$lib/model-facts.ts";

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

export interface Comparison {
  groups: CompareGroup[];
  /** What qualifies the accuracy row: not measured on the same rows, or a drop the gate allowed. */
  note: string | null;
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

const points = (value: number) => `${(100 * value).toFixed(2)} pts`;

/** Accuracy where both were measured on the same rows: a change, toned unless the gate allowed the drop. */
function accuracyRows(a: ModelDetail, b: ModelDetail, latest: Holdout | null) {
  const accuracy = compareAccuracy(a, b, latest);
  const row = numeric("Accuracy", accuracy.a.value, accuracy.b.value, (v) => formatPercent(v, 2), points, true);
  const compared: CompareRow =
    accuracy.delta === null
      ? { ...row, change: null, tone: null }
      : { ...row, tone: row.change === null ? null : accuracy.tone };
  return {
    rows: [compared, text("Accuracy measured", accuracy.a.measuredOn, accuracy.b.measuredOn)],
    note: accuracy.note,
  };
}

export function compareModels(
  a: ModelDetail,
  b: ModelDetail,
  metrics: MetricsResponse,
  latest: Holdout | null,
): Comparison {
  const accuracy = accuracyRows(a, b, latest);
  const whenTrained = METRIC_NAMES.map((name) =>
    text(
      name === "accuracy" ? "Accuracy when trained" : METRIC_LABELS[name],
      formatPercent(a.metrics?.[name], 2),
      formatPercent(b.metrics?.[name], 2),
    ),
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
  const gateText = ({ gate }: ModelDetail) => (gate ? `${gate.decision}: ${gate.reason}` : "no gate (first model)");
  const groups = [
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
        ...accuracy.rows,
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
      title: "When trained (each on its own rows, not compared)",
      rows: [...whenTrained, text("Measured on", measuredOnOf(a), measuredOnOf(b))],
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
  return { groups, note: accuracy.note };
}
