// Turns pasted text or a CSV file into batch rows in the active model's feature order.
// Accepted: one row per line with values separated by commas, semicolons, tabs or spaces; an
// optional header line naming the columns (then columns may come in any order, an `id` column
// becomes the client ids and other columns such as a label are ignored); or a JSON array of rows.
import { LIMITS } from "$contract/limits.ts";
import type { NewBatch } from "./api.ts";

export class RowsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RowsError";
  }
}

export interface ParsedRows extends NewBatch {
  /** Header columns that are neither features nor `id`, so the user knows they were dropped. */
  ignoredColumns: string[];
}

// A plain decimal number; Number() alone would also take "", "0x1f" and "Infinity".
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const splitCells = (line: string) =>
  line
    .trim()
    .split(/\s*[,;\t]\s*|\s+/)
    .map((cell) => cell.replace(/^"(.*)"$/, "$1"));

function toNumber(cell: string, line: number, column: string): number {
  if (!NUMBER.test(cell)) throw new RowsError(`Line ${line}: "${cell}" in ${column} is not a number.`);
  return Number(cell);
}

function checkCount(rows: number): void {
  if (rows === 0) throw new RowsError("There are no rows.");
  if (rows > LIMITS.maxBatchRows) {
    throw new RowsError(`A batch holds at most ${LIMITS.maxBatchRows.toLocaleString("en-GB")} rows; this has ${rows}.`);
  }
}

function parseJson(text: string, featureNames: readonly string[]): ParsedRows {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RowsError("The text starts with '[' but is not valid JSON.");
  }
  if (!Array.isArray(value)) throw new RowsError("JSON input must be an array of rows.");
  checkCount(value.length);
  const features = value.map((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== featureNames.length || !row.every((x) => Number.isFinite(x))) {
      throw new RowsError(`Row ${i + 1} must be an array of ${featureNames.length} numbers.`);
    }
    return row as number[];
  });
  return { features, ignoredColumns: [] };
}

export function parseRows(text: string, featureNames: readonly string[]): ParsedRows {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed === "") throw new RowsError("There are no rows.");
  if (trimmed.startsWith("[")) return parseJson(trimmed, featureNames);

  const lines = trimmed
    .split(/\r?\n/)
    .map((content, i) => ({ content, number: i + 1 }))
    .filter((line) => line.content.trim() !== "" && !line.content.trimStart().startsWith("#"));
  const first = splitCells(lines[0].content);
  const hasHeader = first.some((cell) => !NUMBER.test(cell));
  const d = featureNames.length;

  // Which cell of a line holds each feature, and which holds the id (if any).
  let columns = featureNames.map((_, j) => j);
  let idColumn = -1;
  let width = d;
  let ignoredColumns: string[] = [];
  if (hasHeader) {
    const header = first.map((cell) => cell.toLowerCase());
    columns = featureNames.map((name) => header.indexOf(name.toLowerCase()));
    const missing = featureNames.filter((_, j) => columns[j] < 0);
    if (missing.length > 0) {
      throw new RowsError(
        `Line ${lines[0].number}: the header has no column ${missing.join(", ")} (the model needs ${featureNames.join(", ")}).`,
      );
    }
    idColumn = header.indexOf("id");
    width = header.length;
    ignoredColumns = first.filter((_, k) => k !== idColumn && !columns.includes(k));
  }

  const body = hasHeader ? lines.slice(1) : lines;
  checkCount(body.length);
  const features: number[][] = [];
  const ids: string[] = [];
  for (const line of body) {
    const cells = splitCells(line.content);
    if (cells.length !== width) {
      throw new RowsError(`Line ${line.number}: expected ${width} values, found ${cells.length}.`);
    }
    features.push(columns.map((k, j) => toNumber(cells[k], line.number, featureNames[j])));
    if (idColumn >= 0) ids.push(cells[idColumn]);
  }
  return { features, ...(idColumn >= 0 ? { ids } : {}), ignoredColumns };
}
