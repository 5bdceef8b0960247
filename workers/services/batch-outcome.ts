// What a completed batch records of itself in its D1 row (batches.positives, model_version), so
// the batches list can show and filter on them without reading rows: the rows predicted 1, and
// the version that scored most of them (a promotion can land between two chunks). Pure.
import type { VersionCounts } from "./rollup.ts";

export interface BatchOutcome {
  positives: number;
  /** Null only for a batch with no counts at all. */
  modelVersion: string | null;
}

/** Sums the positives; the main version is the one with the most rows, the first on a tie. */
export function batchOutcome(versions: readonly Pick<VersionCounts, "modelVersion" | "rows" | "positives">[]) {
  let positives = 0;
  let main: { modelVersion: string; rows: number } | null = null;
  for (const v of versions) {
    positives += v.positives;
    if (!main || v.rows > main.rows) main = v;
  }
  return { positives, modelVersion: main?.modelVersion ?? null } satisfies BatchOutcome;
}
