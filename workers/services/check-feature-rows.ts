// Checks parsed rows against the serving model's feature schema: every row as long as the
// model has features, client ids one per row and unique. The schema belongs to the model.
import { ApiError } from "../contract/errors.ts";

export function checkFeatureRows(
  features: readonly (readonly number[])[],
  ids: readonly string[] | undefined,
  featureNames: readonly string[],
  modelVersion: string,
): void {
  const d = featureNames.length;
  for (let i = 0; i < features.length; i++) {
    if (features[i].length !== d) {
      throw new ApiError(
        "FEATURE_COUNT_MISMATCH",
        `features[${i}] has ${features[i].length} values; model ${modelVersion} expects ${d} (${featureNames.join(", ")}).`,
      );
    }
  }
  if (ids) {
    if (ids.length !== features.length) {
      throw new ApiError("INVALID_BATCH", `ids has ${ids.length} entries for ${features.length} rows.`);
    }
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw new ApiError("INVALID_BATCH", `ids must be unique; "${id}" appears twice.`);
      seen.add(id);
    }
  }
}
