// Which accuracy the dashboard shows for a model version, and when two versions may be compared
// by it. Every retrain measures the tenant's recent versions on its holdout (`holdout`), so those
// figures share their rows. The accuracy recorded when a version was trained (`metrics.accuracy`)
// was measured on rows of its own (k-fold, or that run's holdout): two such figures can differ
// while the gate, judging both on the same rows, found them equal. Such figures are shown with
// what they were measured on, and never compared.
// Relative imports only (types from the contract), so Node tests can load this file.
import type { ModelSummary } from "../../../workers/contract/api.ts";
import { formatDateTime, formatInteger } from "./format.ts";
import { measuredOnOf } from "./model-facts.ts";

export type Holdout = NonNullable<ModelSummary["holdout"]>;
type Measured = Pick<ModelSummary, "metrics" | "holdout">;
type Gated = Measured & Pick<ModelSummary, "version" | "gate">;

/** The most recently measured holdout: the rows every version re-measured by that run shares. */
export function latestHoldout(models: Pick<ModelSummary, "holdout">[]): Holdout | null {
  let latest: Holdout | null = null;
  for (const { holdout } of models) {
    if (holdout && (!latest || Date.parse(holdout.measuredAt) > Date.parse(latest.measuredAt))) latest = holdout;
  }
  return latest;
}

export interface ShownAccuracy {
  value: number | null;
  /** On the latest holdout, on the holdout of an earlier run, or as recorded when trained. */
  basis: "latest" | "earlier" | "trained";
  /** The run whose holdout measured it; two figures compare only when this is the same. */
  runId: string | null;
  /** For a table cell: "latest holdout, 300 rows", "5-fold CV, when trained". */
  short: string;
  /** For a sentence: "on the latest holdout, 300 rows". */
  measuredOn: string;
}

export function accuracyOf(model: Measured, latest: Holdout | null): ShownAccuracy {
  const { holdout } = model;
  if (holdout) {
    const rows = `${formatInteger(holdout.rows)} rows`;
    if (latest !== null && holdout.runId === latest.runId) {
      return {
        value: holdout.accuracy,
        basis: "latest",
        runId: holdout.runId,
        short: `latest holdout, ${rows}`,
        measuredOn: `on the latest holdout, ${rows}`,
      };
    }
    return {
      value: holdout.accuracy,
      basis: "earlier",
      runId: holdout.runId,
      short: `earlier holdout, ${rows}`,
      measuredOn: `on an earlier holdout, ${rows} (${formatDateTime(holdout.measuredAt)})`,
    };
  }
  return {
    value: model.metrics?.accuracy ?? null,
    basis: "trained",
    runId: null,
    short: `${measuredOnOf(model, "short")}, when trained`,
    measuredOn: `when trained, on ${measuredOnOf(model)}`,
  };
}

export interface AccuracyChange {
  a: ShownAccuracy;
  b: ShownAccuracy;
  /** b − a, only when both were measured on the same rows. */
  delta: number | null;
  tone: "better" | "worse" | null;
  /** Why no change is given, or why a drop is not a regression. */
  note: string | null;
}

const points = (value: number) => `${(100 * value).toFixed(2)} points`;
// A drop equal to the gate's allowance must not fail the check by a rounding error.
const EPSILON = 1e-9;

/** Whether `winner` was promoted over `loser` by the gate, and the drop it allowed. */
function promotedOver(winner: Gated, loser: Gated): number | null {
  const { gate } = winner;
  return gate?.decision === "promoted" && gate.championVersion === loser.version ? gate.maxDrop : null;
}

/**
 * How b's accuracy compares with a's. A version the gate promoted over the other, with a drop
 * within what the gate allows, is not marked as a regression: it is the one that replaced the other.
 */
export function compareAccuracy(a: Gated, b: Gated, latest: Holdout | null): AccuracyChange {
  const shown = { a: accuracyOf(a, latest), b: accuracyOf(b, latest) };
  if (shown.a.value === null || shown.b.value === null) return { ...shown, delta: null, tone: null, note: null };
  if (shown.a.runId === null || shown.a.runId !== shown.b.runId) {
    return {
      ...shown,
      delta: null,
      tone: null,
      note: `${a.version} and ${b.version} were not measured on the same rows, so their accuracies are not compared.`,
    };
  }
  const delta = shown.b.value - shown.a.value;
  if (delta === 0) return { ...shown, delta, tone: null, note: null };
  const [higher, lower] = delta > 0 ? [b, a] : [a, b];
  const allowed = promotedOver(lower, higher);
  if (allowed !== null && Math.abs(delta) <= allowed + EPSILON) {
    return {
      ...shown,
      delta,
      tone: null,
      note: `${lower.version} replaced ${higher.version}: the gate promotes a challenger up to ${points(allowed)} below the champion.`,
    };
  }
  return { ...shown, delta, tone: delta > 0 ? "better" : "worse", note: null };
}
