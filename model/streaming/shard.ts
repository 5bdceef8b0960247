// A shard: a run of training rows as one step reads it (say, one R2 object), in the same layout
// as a Dataset's columns so a shard can also be a view into one. Passes fold shards one at a time,
// which is what keeps a retrain's memory at O(d²) whatever the number of rows.

export type Shard = {
  /** Row-major rows × d features, raw (not standardised). */
  readonly x: Float64Array;
  /** 0 or 1 per row. */
  readonly y: Uint8Array;
  readonly rows: number;
};

/** Throws a RangeError unless x holds rows × d values and y one label per row. */
export function checkShardShape(x: Float64Array, y: Uint8Array, rows: number, d: number): void {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new RangeError(`a shard's row count must be a whole number, got ${rows}`);
  }
  if (x.length !== rows * d) throw new RangeError(`x holds ${x.length} values, expected ${rows} rows × ${d} features`);
  if (y.length !== rows) throw new RangeError(`y holds ${y.length} labels, expected ${rows}`);
}

export function labelError(row: number, label: number): RangeError {
  return new RangeError(`row ${row} of the shard: label ${label} is not 0 or 1`);
}
