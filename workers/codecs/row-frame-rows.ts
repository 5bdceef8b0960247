// Moving between the row view (what clients send and read) and a frame's column-major
// features: gathering one row, building columns from rows, cutting a frame into smaller runs
// and joining runs into one.
import type { RowFrame } from "./row-frame.ts";

/** Rows [start, end) of a frame as a new frame with its own arrays, offset moved to match. */
export function sliceRowFrame(frame: RowFrame, start: number, end: number): RowFrame {
  const n = frame.rows;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > n) {
    throw new RangeError(`rows [${start}, ${end}) are not within the frame's ${n} rows`);
  }
  const m = end - start;
  const d = frame.featureCount;
  const features = new Float64Array(m * d);
  for (let j = 0; j < d; j++) features.set(frame.features.subarray(j * n + start, j * n + end), j * m);
  return {
    rows: m,
    offset: frame.offset + start,
    featureCount: d,
    features,
    ids: frame.ids ? frame.ids.slice(start, end) : null,
    margins: frame.margins ? frame.margins.slice(start, end) : null,
    labels: frame.labels ? frame.labels.slice(start, end) : null,
    modelVersion: frame.modelVersion,
  };
}

/** The feature vector of row i, gathered from the columns. */
export function rowOf(frame: RowFrame, i: number): number[] {
  const n = frame.rows;
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`row ${i} is not within the frame's ${n} rows`);
  const row = new Array<number>(frame.featureCount);
  for (let j = 0; j < row.length; j++) row[j] = frame.features[j * n + i];
  return row;
}

/** n rows of d features each, as one column-major Float64Array (feature j of row i at j·n + i). */
export function columnsFromRows(rows: ArrayLike<ArrayLike<number>>, d: number): Float64Array {
  const n = rows.length;
  const columns = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (row.length !== d) throw new RangeError(`row ${i} has ${row.length} features, not ${d}`);
    for (let j = 0; j < d; j++) columns[j * n + i] = row[j];
  }
  return columns;
}

/**
 * Frames of the same model version and width as one frame of their rows in order, starting at
 * `offset`. Ids are kept when any frame has them ("" for rows without); margins and labels when
 * every frame has them.
 */
export function concatRowFrames(frames: readonly RowFrame[], offset = 0): RowFrame {
  if (frames.length === 0) throw new RangeError("no frames to join");
  const { featureCount: d, modelVersion } = frames[0];
  for (const frame of frames) {
    if (frame.featureCount !== d || frame.modelVersion !== modelVersion) {
      throw new RangeError(
        `a frame of ${frame.featureCount} features by ${frame.modelVersion} cannot join ${d} by ${modelVersion}`,
      );
    }
  }
  const n = frames.reduce((sum, f) => sum + f.rows, 0);
  const features = new Float64Array(n * d);
  const scored = frames.every((f) => f.margins && f.labels);
  const margins = scored ? new Float64Array(n) : null;
  const labels = scored ? new Uint8Array(n) : null;
  const ids = frames.some((f) => f.ids) ? new Array<string>(n).fill("") : null;
  let at = 0;
  for (const frame of frames) {
    const m = frame.rows;
    for (let j = 0; j < d; j++) features.set(frame.features.subarray(j * m, (j + 1) * m), j * n + at);
    if (margins && frame.margins) margins.set(frame.margins, at);
    if (labels && frame.labels) labels.set(frame.labels, at);
    if (ids && frame.ids) for (let i = 0; i < m; i++) ids[at + i] = frame.ids[i];
    at += m;
  }
  return { rows: n, offset, featureCount: d, features, ids, margins, labels, modelVersion };
}
