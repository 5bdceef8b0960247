// Batches as Apache Arrow IPC streams (Content-Type: application/vnd.apache.arrow.stream): one
// numeric column per model feature, named like it (any order), and an optional utf8 "id" column.
// The columns are read straight into the column-major Float64Array that row frames store, so a
// batch is never turned into row arrays. Everything a client can get wrong is a 4xx naming the
// column: unknown or missing names, a type that is not a plain number (nested, dictionary,
// decimal, date…), nulls, too many rows, a stream that does not parse.
import { DataType, tableFromIPC, type Field, type Table, type Vector } from "apache-arrow";
import { ApiError } from "../contract/errors.ts";

export const ARROW_STREAM = "application/vnd.apache.arrow.stream";

export interface ArrowBatch {
  rows: number;
  /** Column-major, in the model's feature order: feature j of row i at j·rows + i. */
  features: Float64Array;
  ids: string[] | null;
}

const ID_COLUMN = "id";

/** Reads an Arrow IPC stream holding the given features; throws ApiError (4xx) on any mismatch. */
export function decodeArrowBatch(
  bytes: Uint8Array,
  featureNames: readonly string[],
  limits: { maxRows: number; maxIdLength: number },
): ArrowBatch {
  const { maxRows } = limits;
  const table = readTable(bytes);
  const fields = table.schema.fields;
  checkNames(fields, featureNames);
  const rows = table.numRows;
  if (rows === 0) throw new ApiError("INVALID_BATCH", "The Arrow stream holds no rows.");
  if (rows > maxRows) {
    throw new ApiError("BATCH_TOO_LARGE", `This route takes at most ${maxRows} rows; the Arrow stream holds ${rows}.`);
  }
  const features = new Float64Array(rows * featureNames.length);
  featureNames.forEach((name, j) => copyNumbers(column(table, name), name, rows, features, j * rows));
  const idField = fields.find((f) => f.name === ID_COLUMN);
  return { rows, features, ids: idField ? readIds(column(table, ID_COLUMN), rows, limits.maxIdLength) : null };
}

function readTable(bytes: Uint8Array): Table {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new ApiError("MALFORMED_BODY", `The body is not an Arrow IPC stream: ${(error as Error).message}`);
  }
  // A stream cut short can still parse as fewer batches: the schema must have come through.
  if (table.schema.fields.length === 0) throw new ApiError("MALFORMED_BODY", "The Arrow stream has no columns.");
  return table;
}

function checkNames(fields: readonly Field[], featureNames: readonly string[]): void {
  const names = fields.map((f) => f.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new ApiError("INVALID_BATCH", `The Arrow column "${duplicate}" appears twice.`);
  const expected = new Set(featureNames);
  const unknown = names.filter((name) => name !== ID_COLUMN && !expected.has(name));
  const missing = featureNames.filter((name) => !names.includes(name));
  if (unknown.length > 0 || missing.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.map((n) => `"${n}"`).join(", ")}` : "",
      unknown.length > 0 ? `unknown ${unknown.map((n) => `"${n}"`).join(", ")}` : "",
    ].filter(Boolean);
    throw new ApiError(
      "FEATURE_COUNT_MISMATCH",
      `The Arrow columns do not match the model's features (${featureNames.join(", ")}): ${parts.join("; ")}.`,
    );
  }
}

function column(table: Table, name: string): Vector {
  const vector = table.getChild(name);
  if (!vector) throw new ApiError("INVALID_BATCH", `The Arrow column "${name}" cannot be read.`);
  return vector;
}

/** Copies a plain numeric column (floats or integers, no nulls) into `out` at `at`. */
function copyNumbers(vector: Vector, name: string, rows: number, out: Float64Array, at: number): void {
  const type = vector.type as DataType;
  if (!DataType.isFloat(type) && !DataType.isInt(type)) {
    throw new ApiError(
      "INVALID_BATCH",
      `The Arrow column "${name}" is ${String(type)}; features must be floats or integers.`,
    );
  }
  if (vector.nullCount > 0)
    throw new ApiError("INVALID_BATCH", `The Arrow column "${name}" holds ${vector.nullCount} nulls.`);
  const values = vector.toArray() as ArrayLike<number | bigint>;
  if (values.length !== rows) throw new ApiError("MALFORMED_BODY", `The Arrow column "${name}" is cut short.`);
  // float64, the common case, is copied by the runtime in one block.
  if (values instanceof Float64Array) return out.set(values, at);
  for (let i = 0; i < rows; i++) {
    const value = values[i];
    out[at + i] = typeof value === "bigint" ? Number(value) : value;
  }
}

const isText = (type: DataType) => DataType.isUtf8(type) || DataType.isLargeUtf8(type);

/** Ids as utf8, large utf8 or dictionary-encoded utf8 (what most writers make of strings). */
function readIds(vector: Vector, rows: number, maxLength: number): string[] {
  const type = vector.type as DataType;
  if (!isText(type) && !(DataType.isDictionary(type) && isText(type.dictionary))) {
    throw new ApiError("INVALID_BATCH", `The Arrow column "id" is ${String(vector.type)}; ids must be utf8 strings.`);
  }
  if (vector.nullCount > 0)
    throw new ApiError("INVALID_BATCH", `The Arrow column "id" holds ${vector.nullCount} nulls.`);
  const ids = Array.from(vector.toArray() as ArrayLike<unknown>, String);
  if (ids.length !== rows) throw new ApiError("MALFORMED_BODY", `The Arrow column "id" is cut short.`);
  const bad = ids.findIndex((id) => id.length === 0 || id.length > maxLength);
  if (bad >= 0) throw new ApiError("INVALID_BATCH", `id of row ${bad} must be 1–${maxLength} characters.`);
  return ids;
}
