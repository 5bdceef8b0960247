// The byte layout under row-frame.ts: the 16-byte preamble, the JSON header that says where
// each column lies, and how string ids are packed. Apart from encode/decode so that each reads
// as one pass, and so both sides check a frame against the same header schema.
import { z } from "zod";

export class RowFrameError extends Error {
  override name = "RowFrameError";
}

export const MAGIC = "ESVMROWS";
export const FORMAT_VERSION = 1;
/** Magic (8 bytes), u32 LE format version, u32 LE header byte length. */
export const PREAMBLE_BYTES = 16;

// Column data is written and read through typed arrays, which use the platform's byte order,
// while the format is little-endian. Every platform Workers and Node run on (x86-64, arm64) is
// little-endian; failing to load elsewhere beats writing frames no other machine can read.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error("row frames assume a little-endian platform");
}

/** Columns start on multiples of 8 so a Float64Array can view them in place. */
export const align8 = (n: number): number => Math.ceil(n / 8) * 8;

// ids offsets are u32, so no count or byte length in a frame goes past 2³² − 1.
const Count = z.number().int().min(0).max(0xffff_ffff);

export const COLUMN_TYPES = { features: "f64", ids: "utf8", margins: "f64", labels: "u8" } as const;
export type ColumnName = keyof typeof COLUMN_TYPES;

const Column = z
  .object({
    name: z.enum(["features", "ids", "margins", "labels"]),
    type: z.enum(["f64", "utf8", "u8"]),
    // From the start of the data section, the first multiple of 8 after the header.
    byteOffset: Count.refine((n) => n % 8 === 0, "byteOffset is not a multiple of 8"),
    byteLength: Count,
  })
  .refine((c) => COLUMN_TYPES[c.name] === c.type, "a column has the wrong type for its name");
export type Column = z.infer<typeof Column>;

const Fields = z.object({ rows: Count, offset: Count, featureCount: Count, modelVersion: z.string().nullable() });
// Every row's index in the batch fits in a Count, so slicing a valid frame gives a valid frame.
const inBatch = (f: { rows: number; offset: number }) => f.offset + f.rows <= 0xffff_ffff;
const IN_BATCH = "offset + rows is past 2³² − 1";

/** The scalar fields of a frame, checked the same way when encoding and decoding. */
export const FrameFields = Fields.refine(inBatch, IN_BATCH);

export const FrameHeader = Fields.extend({
  columns: z
    .array(Column)
    .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, "a column appears twice")
    .refine((cs) => cs.some((c) => c.name === "features"), "the features column is missing"),
}).refine(inBatch, IN_BATCH);
export type FrameHeader = z.infer<typeof FrameHeader>;

/** Throws unless every label is 0 or 1. */
export function checkLabels(labels: Uint8Array): void {
  const bad = labels.findIndex((label) => label > 1);
  if (bad >= 0) throw new RowFrameError(`label ${bad} is ${labels[bad]}, not 0 or 1`);
}

const encoder = new TextEncoder();
// fatal: malformed UTF-8 is an error, not U+FFFD; ignoreBOM: an id that starts with U+FEFF keeps it.
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** n + 1 u32 byte offsets into the UTF-8 text that follows them, then the text. */
export function packIds(ids: readonly string[]): Uint8Array {
  const encoded = ids.map((id, i) => {
    // UTF-8 cannot carry a lone surrogate: TextEncoder would silently turn it into U+FFFD.
    if (typeof id !== "string" || LONE_SURROGATE.test(id)) throw new RowFrameError(`id ${i} is not a Unicode string`);
    return encoder.encode(id);
  });
  const table = 4 * (ids.length + 1);
  const total = encoded.reduce((sum, bytes) => sum + bytes.length, table);
  if (total > 0xffff_ffff) throw new RowFrameError("the ids take more than 4 GiB");
  const packed = new Uint8Array(total);
  const offsets = new Uint32Array(packed.buffer, 0, ids.length + 1);
  for (let i = 0; i < encoded.length; i++) {
    packed.set(encoded[i], table + offsets[i]);
    offsets[i + 1] = offsets[i] + encoded[i].length;
  }
  return packed;
}

/** The inverse of packIds over `column` (exactly the column's bytes), checking every offset. */
export function unpackIds(column: Uint8Array, rows: number): string[] {
  const table = 4 * (rows + 1);
  if (column.length < table) throw new RowFrameError(`the ids column is too short for ${rows} offsets`);
  // A DataView reads the offsets wherever the column lies, aligned or not.
  const view = new DataView(column.buffer, column.byteOffset, table);
  const textLength = column.length - table;
  if (view.getUint32(0, true) !== 0) throw new RowFrameError("the first id offset is not 0");
  const ids = new Array<string>(rows);
  for (let i = 0, start = 0; i < rows; i++) {
    const end = view.getUint32(4 * (i + 1), true);
    if (end < start || end > textLength) throw new RowFrameError(`id ${i} lies outside the ids column`);
    ids[i] = decodeUtf8(column.subarray(table + start, table + end), `id ${i}`);
    start = end;
  }
  if (view.getUint32(4 * rows, true) !== textLength) throw new RowFrameError("the ids column has trailing bytes");
  return ids;
}

export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new RowFrameError(`${what} is not valid UTF-8`);
  }
}
