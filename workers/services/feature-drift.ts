// Feature drift from rollup counts: each feature's scored values binned on the version's training
// deciles (feature-major, as the rollups keep them) against the 10% per bin the deciles put there
// by construction, as PSI (model/drift.ts). Shared by GET /v1/metrics (the last day) and
// GET /v1/metrics/history (each day). Pure: no bindings.
import { DRIFT_THRESHOLD, psiFromCounts } from "../../model/index.ts";
import type { FeatureDriftDay } from "../contract/api.ts";

/** Drift needs this many rows before a feature is called drifting. */
export const DRIFT_MIN_ROWS = 100;

/** What drift needs of a model: its features and their training deciles [p0, p10, …, p100]. */
export interface DriftBasis {
  featureNames: readonly string[];
  deciles: readonly (readonly number[])[];
}

/** Each feature's PSI, whether it drifts, and its live share per bin, from `rows` rows' bin counts. */
export function featureDrift(basis: DriftBasis, rows: number, counts: readonly number[]): FeatureDriftDay[] {
  return basis.featureNames.map((name, j) => {
    const bins = Math.max(basis.deciles[j].length - 1, 0);
    const own = counts.slice(j * bins, j * bins + bins);
    const total = own.reduce((a, b) => a + b, 0);
    // Counts of another length are not this model's bins (none were counted): no drift measured.
    const measured = rows > 0 && own.length === bins && total > 0;
    const psi = measured ? psiFromCounts(own) : 0;
    return {
      name,
      psi,
      drifting: rows >= DRIFT_MIN_ROWS && psi > DRIFT_THRESHOLD,
      live: measured ? own.map((count) => count / total) : new Array<number>(bins).fill(0),
    };
  });
}
