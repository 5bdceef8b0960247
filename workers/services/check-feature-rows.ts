// Checks parsed rows against the serving model's feature schema: every row as long as the
// model has features, every value finite and within ±maxAbsFeatureValue (so margins and the
// scaler's variance stay finite), client ids one per row and unique. The schema belongs to the model.
import { firstOutOfRange } from "../../model/index.ts";
import { ApiError } from "../contract/errors.ts";
import { LIMITS } from "../contract/limits.ts";

export function checkFeatureRows(
  features: readonly (readonly number[])[],
  ids: readonly string[] | undefined,
  featureNames: readonly string[],
  modelVersion: string,
): void {
  const d = featureNames.length;
  for (let i = 0; i < features.length; i++) {
    const row = features[i];
    if (row.length !== d) {
      throw new ApiError(
        "FEATURE_COUNT_MISMATCH",
        `features[${i}] has ${row.length} values; model ${modelVersion} expects ${d} (${featureNames.join(", ")}).`,
      );
    }
    const j = firstOutOfRange(row);
    if (j >= 0) {
      throw new ApiError(
        "VALUE_OUT_OF_RANGE",
        `features[${i}][${j}] (${featureNames[j]}) is ${row[j]}; values must lie within ±${LIMITS.maxAbsFeatureValue}.`,
      );
    }
  }
  if (ids) checkIds(ids, features.length);
}

/** The same checks on column-major features (an Arrow batch): values in range, ids unique. */
export function checkFeatureColumns(
  batch: { rows: number; features: Float64Array; ids: readonly string[] | null },
  featureNames: readonly string[],
  modelVersion: string,
): void {
  const { rows, features } = batch;
  const max = LIMITS.maxAbsFeatureValue;
  // One flat loop over the block (NaN fails both comparisons); the position is worked out only to refuse.
  for (let k = 0; k < features.length; k++) {
    const value = features[k];
    if (value >= -max && value <= max) continue;
    const [j, i] = [Math.floor(k / rows), k % rows];
    throw new ApiError(
      "VALUE_OUT_OF_RANGE",
      `row ${i}, column "${featureNames[j]}" is ${value}; values must lie within ±${max} (model ${modelVersion}).`,
    );
  }
  if (batch.ids) checkIds(batch.ids, rows);
}

/** Client ids: one per row, unique. */
export function checkIds(ids: readonly string[], rows: number): void {
  if (ids.length !== rows) throw new ApiError("INVALID_BATCH", `ids has ${ids.length} entries for ${rows} rows.`);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new ApiError("INVALID_BATCH", `ids must be unique; "${id}" appears twice.`);
    seen.add(id);
  }
}
