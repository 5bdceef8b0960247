// Row frames: a self-describing binary run of one batch's rows, scored or not, as the row store
// keeps them in R2 (binary columns instead of JSON rows in D1). Layout:
//   "ESVMROWS" | u32 LE version (1) | u32 LE header byte length | header (UTF-8 JSON) | columns
// The header is {rows, offset, featureCount, modelVersion, columns: [{name, type, byteOffset,
// byteLength}]}; the data section starts at the first multiple of 8 after it, and each column at
// a multiple of 8 within it, so a decoder can view f64 columns in place. Features are stored
// column-major, so scoring and drift counting walk one feature's values contiguously.
import { ZodError } from "zod";
import {
  COLUMN_TYPES,
  FORMAT_VERSION,
  FrameFields,
  FrameHeader,
  MAGIC,
  PREAMBLE_BYTES,
  RowFrameError,
  align8,
  checkLabels,
  decodeUtf8,
  packIds,
  unpackIds,
} from "./row-frame-layout.ts";
import type { Column, ColumnName } from "./row-frame-layout.ts";

export { RowFrameError } from "./row-frame-layout.ts";
export { columnsFromRows, concatRowFrames, rowOf, sliceRowFrame } from "./row-frame-rows.ts";

export interface RowFrame {
  /** n rows in this frame. */
  rows: number;
  /** Index in the batch of the frame's first row. */
  offset: number;
  /** d; 0 for a frame of scores only. */
  featureCount: number;
  /** Column-major, length n·d: feature j of row i at j·n + i. */
  features: Float64Array;
  /** Client ids, one per row, or null when the batch has none. */
  ids: string[] | null;
  /** Length n, or null before scoring. */
  margins: Float64Array | null;
  /** 0/1, length n, or null before scoring. */
  labels: Uint8Array | null;
  /** The model version that made margins and labels. */
  modelVersion: string | null;
}

/** The bytes of a frame; throws RowFrameError when its arrays disagree with rows/featureCount. */
export function encodeRowFrame(frame: RowFrame): Uint8Array {
  checkFrame(frame);
  const payloads: [ColumnName, Uint8Array][] = [["features", bytesOf(frame.features)]];
  if (frame.ids) payloads.push(["ids", packIds(frame.ids)]);
  if (frame.margins) payloads.push(["margins", bytesOf(frame.margins)]);
  if (frame.labels) payloads.push(["labels", frame.labels]);

  // No padding after the last column: a frame cut short anywhere then no longer decodes.
  let dataLength = 0;
  const columns = payloads.map(([name, bytes]): Column => {
    const byteOffset = align8(dataLength);
    dataLength = byteOffset + bytes.length;
    return { name, type: COLUMN_TYPES[name], byteOffset, byteLength: bytes.length };
  });
  const { rows, offset, featureCount, modelVersion } = frame;
  const header = new TextEncoder().encode(JSON.stringify({ rows, offset, featureCount, modelVersion, columns }));
  const dataStart = align8(PREAMBLE_BYTES + header.length);

  const out = new Uint8Array(dataStart + dataLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, PREAMBLE_BYTES);
  payloads.forEach(([, bytes], k) => out.set(bytes, dataStart + columns[k].byteOffset));
  return out;
}

/**
 * Reads a frame back, checking every length and offset before touching the bytes it names; any
 * defect throws RowFrameError. The labels, and f64 columns that lie 8-byte aligned in memory, are
 * views over `bytes` (no copy): copy the frame before reusing that buffer.
 */
export function decodeRowFrame(bytes: ArrayBuffer | Uint8Array): RowFrame {
  const all = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { header, data } = readHeader(all);
  const columns = new Map(header.columns.map((c) => [c.name, c]));
  for (const c of header.columns) {
    if (c.byteOffset + c.byteLength > data.length) throw new RowFrameError(`the ${c.name} column runs past the end`);
  }
  const columnBytes = (name: ColumnName, length?: number): Uint8Array | null => {
    const c = columns.get(name);
    if (!c) return null;
    if (length !== undefined && c.byteLength !== length) {
      throw new RowFrameError(`the ${name} column holds ${c.byteLength} bytes, not ${length}`);
    }
    return data.subarray(c.byteOffset, c.byteOffset + c.byteLength);
  };
  const n = header.rows;
  const features = columnBytes("features", 8 * n * header.featureCount);
  const ids = columnBytes("ids");
  const margins = columnBytes("margins", 8 * n);
  const labels = columnBytes("labels", n);
  if (labels) checkLabels(labels);
  return {
    rows: n,
    offset: header.offset,
    featureCount: header.featureCount,
    // The header schema requires a features column.
    features: features ? toFloat64(features) : new Float64Array(0),
    ids: ids ? unpackIds(ids, n) : null,
    margins: margins ? toFloat64(margins) : null,
    labels,
    modelVersion: header.modelVersion,
  };
}

function readHeader(all: Uint8Array): { header: FrameHeader; data: Uint8Array } {
  if (all.length < PREAMBLE_BYTES) throw new RowFrameError("too short for a row frame");
  for (let i = 0; i < MAGIC.length; i++) {
    if (all[i] !== MAGIC.charCodeAt(i)) throw new RowFrameError("not a row frame (bad magic)");
  }
  const view = new DataView(all.buffer, all.byteOffset, PREAMBLE_BYTES);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) throw new RowFrameError(`row frame version ${version} is not supported`);
  const headerLength = view.getUint32(12, true);
  const dataStart = align8(PREAMBLE_BYTES + headerLength);
  if (dataStart > all.length) throw new RowFrameError("the header runs past the end");
  const text = decodeUtf8(all.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength), "the header");
  try {
    return { header: FrameHeader.parse(JSON.parse(text)), data: all.subarray(dataStart) };
  } catch (error) {
    throw new RowFrameError(`bad row frame header: ${error instanceof ZodError ? describeIssue(error) : "not JSON"}`);
  }
}

function checkFrame(frame: RowFrame): void {
  const fields = FrameFields.safeParse(frame);
  if (!fields.success) throw new RowFrameError(`bad row frame: ${describeIssue(fields.error)}`);
  const { rows, featureCount, features, ids, margins, labels } = frame;
  const mismatch = (what: string, length: number, expected: number) =>
    new RowFrameError(`${what} has length ${length}, ${expected} expected`);
  if (features.length !== rows * featureCount) throw mismatch("features", features.length, rows * featureCount);
  if (ids && ids.length !== rows) throw mismatch("ids", ids.length, rows);
  if (margins && margins.length !== rows) throw mismatch("margins", margins.length, rows);
  if (labels && labels.length !== rows) throw mismatch("labels", labels.length, rows);
  if (labels) checkLabels(labels);
}

function describeIssue({ issues: [issue] }: ZodError): string {
  return issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message;
}

const bytesOf = (values: Float64Array): Uint8Array =>
  new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** A view when the bytes lie 8-byte aligned in memory, else an aligned copy. */
function toFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.byteOffset % 8 === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
  const copy = new Float64Array(bytes.length / 8);
  new Uint8Array(copy.buffer).set(bytes);
  return copy;
}
