// Per-feature summaries of the training data, stored in the artifact so that live traffic can
// later be checked for drift against what the model was trained on.
import type { FeatureStats } from "./artifact-schema.ts";
import type { Dataset } from "./types.ts";

/** Min, max, mean, population std and deciles p0, p10, …, p100 of every feature column. */
export function computeFeatureStats(data: Dataset): FeatureStats[] {
  const d = data.featureNames.length;
  const n = data.y.length;
  const column = new Float64Array(n);
  return data.featureNames.map((_, j) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      column[i] = data.x[i * d + j];
      sum += column[i];
    }
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (column[i] - mean) ** 2;
    column.sort();
    const deciles = Array.from({ length: 11 }, (_, k) => quantileSorted(column, k / 10));
    return { min: column[0], max: column[n - 1], mean, std: Math.sqrt(squares / n), deciles };
  });
}

/**
 * The p-quantile of sorted values by linear interpolation between order statistics, Hyndman &
 * Fan's definition 7 (NumPy's and R's default).
 */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}
