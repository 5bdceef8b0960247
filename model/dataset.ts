// Checks and row selection for the Dataset value every trainer, scorer and splitter takes.
import type { Dataset } from "./types.ts";

/** Throws a RangeError unless the dataset is rectangular, finite and labelled 0/1. */
export function checkDataset(data: Dataset): void {
  const d = data.featureNames.length;
  const n = data.y.length;
  if (d === 0) throw new RangeError("a dataset needs at least one feature");
  if (data.x.length !== n * d) {
    throw new RangeError(`x holds ${data.x.length} values, expected ${n} rows × ${d} features`);
  }
  for (let i = 0; i < n; i++) {
    if (data.y[i] > 1) throw new RangeError(`row ${i}: label ${data.y[i]} is not 0 or 1`);
  }
  for (let k = 0; k < data.x.length; k++) {
    if (!Number.isFinite(data.x[k])) {
      throw new RangeError(
        `row ${Math.floor(k / d)}, feature "${data.featureNames[k % d]}": ${data.x[k]} is not finite`,
      );
    }
  }
}

export function countClasses(y: Uint8Array): { "0": number; "1": number } {
  let ones = 0;
  for (let i = 0; i < y.length; i++) ones += y[i];
  return { "0": y.length - ones, "1": ones };
}

/** A new dataset holding the given rows, in the given order. */
export function selectRows(data: Dataset, rows: ArrayLike<number>): Dataset {
  const d = data.featureNames.length;
  const x = new Float64Array(rows.length * d);
  const y = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    x.set(data.x.subarray(i * d, i * d + d), r * d);
    y[r] = data.y[i];
  }
  return { featureNames: data.featureNames, x, y };
}
