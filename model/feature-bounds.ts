// The range of feature values the system accepts. Beyond ±1e15 a squared value (1e30) is still
// far from overflow, so the scaler's variance and every margin stay finite; a row of 1e200 once
// made every later retrain fail. Ingest, predict and publish refuse such values; training skips
// any row that holds one (or a non-finite number) and counts it.
export const MAX_ABS_FEATURE = 1e15;

/** The index of the first value that is non-finite or beyond ±MAX_ABS_FEATURE, or -1. */
export function firstOutOfRange(row: ArrayLike<number>): number {
  for (let j = 0; j < row.length; j++) {
    const value = row[j];
    if (!(value >= -MAX_ABS_FEATURE && value <= MAX_ABS_FEATURE)) return j;
  }
  return -1;
}
