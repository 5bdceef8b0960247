// Loads a labelled CSV table (header row, numeric cells, a label column) into a Dataset.
// The feature schema comes from the header: every column except the label is a feature, in order.
// Labels are 0/1, or two words that become the dataset's class names.
import { z } from "zod";
import { ClassNameSchema, ClassNamesSchema, type ClassNames } from "./artifact-schema.ts";
import { MAX_ABS_FEATURE } from "./feature-bounds.ts";
import type { Dataset } from "./types.ts";

/** "classes": a label that is none of the classes the caller named. */
export const CSV_ERROR_CODES = ["empty", "header", "ragged", "non-numeric", "range", "label", "classes"] as const;

export type CsvErrorCode = (typeof CSV_ERROR_CODES)[number];

export class CsvError extends Error {
  readonly code: CsvErrorCode;
  /** 1-based line number in the file. */
  readonly line: number;

  constructor(code: CsvErrorCode, line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "CsvError";
    this.code = code;
    this.line = line;
  }
}

// A plain decimal number; Number() alone would also take "", "0x1f" and "Infinity".
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses CSV text (RFC 4180 without quoted cells, which a numeric table never needs; a quoted
 * label word is unquoted) into a Dataset. Feature values must lie within ±MAX_ABS_FEATURE. The
 * label column holds 0/1, or two words: `classes` says which word is 0 and which 1, else they
 * are 0 and 1 in sorted order; either way they become the dataset's classNames (0/1 labels are
 * named only by `classes`). Tolerates a byte-order mark, CRLF line ends and trailing blank lines;
 * anything else irregular is a CsvError naming the line.
 */
export function parseCsv(text: string, options: { label?: string; classes?: readonly [string, string] } = {}): Dataset {
  const label = options.label ?? "class";
  const classes = options.classes && checkClasses(options.classes);
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) throw new CsvError("empty", 1, "the file is empty");

  const header = lines[0].split(",").map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
  const labelColumn = header.indexOf(label);
  if (labelColumn < 0) throw new CsvError("header", 1, `no label column "${label}" in header ${header.join(",")}`);
  const duplicate = header.find((name, k) => header.indexOf(name) !== k);
  if (duplicate !== undefined) throw new CsvError("header", 1, `column "${duplicate}" appears twice`);
  if (header.some((name) => name === "")) throw new CsvError("header", 1, "a column has no name");
  if (header.length < 2) throw new CsvError("header", 1, "there is no feature column besides the label");
  if (lines.length === 1) throw new CsvError("empty", 2, "the header has no data rows under it");

  const featureNames = header.filter((_, k) => k !== labelColumn);
  const d = featureNames.length;
  const n = lines.length - 1;
  const x = new Float64Array(n * d);
  const labels = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const line = i + 2;
    const cells = lines[i + 1].split(",");
    if (cells.length !== header.length) {
      throw new CsvError("ragged", line, `expected ${header.length} cells, found ${cells.length}`);
    }
    let j = 0;
    for (let k = 0; k < cells.length; k++) {
      const cell = cells[k].trim();
      if (k === labelColumn) {
        labels[i] = cell.replace(/^"(.*)"$/, "$1");
        continue;
      }
      const value = NUMBER.test(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(value))
        throw new CsvError("non-numeric", line, `"${header[k]}" is "${cell}", not a finite number`);
      if (Math.abs(value) > MAX_ABS_FEATURE)
        throw new CsvError("range", line, `"${header[k]}" is ${cell}, beyond ±${MAX_ABS_FEATURE}`);
      x[i * d + j] = value;
      j++;
    }
  }
  return { featureNames, x, ...readLabels(labels, classes) };
}

/** Labels of data rows (row i on line i + 2): 0/1 numbers, or words mapped to 0/1 as class names. */
function readLabels(cells: readonly string[], classes: ClassNames | undefined): Pick<Dataset, "y" | "classNames"> {
  const y = new Uint8Array(cells.length);
  if (cells.every((cell) => NUMBER.test(cell))) {
    cells.forEach((cell, i) => {
      const value = Number(cell);
      if (value !== 0 && value !== 1) throw new CsvError("label", i + 2, `label "${cell}" is not 0 or 1`);
      y[i] = value;
    });
    return classes ? { y, classNames: classes } : { y };
  }
  const names = classes ?? nameClasses(cells);
  cells.forEach((cell, i) => {
    const k = names.indexOf(cell);
    if (k < 0) {
      throw new CsvError(
        "classes",
        i + 2,
        `label "${cell}" is neither "${names[0]}" nor "${names[1]}" (the classes given)`,
      );
    }
    y[i] = k;
  });
  return { y, classNames: names };
}

/** The two label words, sorted (by UTF-16 code units, the same everywhere): the first is class 0. */
function nameClasses(cells: readonly string[]): ClassNames {
  const seen: string[] = [];
  for (const [i, cell] of cells.entries()) {
    if (seen.includes(cell)) continue;
    if (seen.length === 2) {
      throw new CsvError(
        "label",
        i + 2,
        `a third label value "${cell}" after "${seen[0]}" and "${seen[1]}"; a model tells two classes apart`,
      );
    }
    if (!ClassNameSchema.safeParse(cell).success) {
      const why = cell === "" ? "it is empty" : cell.length > 40 ? "longer than 40 characters" : "a control character";
      throw new CsvError("label", i + 2, `label "${cell}" cannot name a class: ${why}`);
    }
    seen.push(cell);
  }
  if (seen.length < 2) {
    throw new CsvError("label", cells.length + 1, `label "${seen[0]}" is the only value; a model needs two classes`);
  }
  return seen[0] < seen[1] ? [seen[0], seen[1]] : [seen[1], seen[0]];
}

function checkClasses(classes: readonly [string, string]): ClassNames {
  const parsed = ClassNamesSchema.safeParse(classes);
  if (!parsed.success) {
    throw new RangeError(`classes must be two different names of 1–40 characters: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** The CSV text of a dataset with the label column last; parseCsv reads it back unchanged. */
export function formatCsv(data: Dataset, label = "class"): string {
  const d = data.featureNames.length;
  const lines = [[...data.featureNames, label].join(",")];
  for (let i = 0; i < data.y.length; i++) lines.push([...data.x.subarray(i * d, i * d + d), data.y[i]].join(","));
  return lines.join("\n") + "\n";
}
