// Loads a labelled CSV table (header row, numeric cells, a 0/1 label column) into a Dataset.
// The feature schema comes from the header: every column except the label is a feature, in order.
import { MAX_ABS_FEATURE } from "./feature-bounds.ts";
import type { Dataset } from "./types.ts";

export const CSV_ERROR_CODES = ["empty", "header", "ragged", "non-numeric", "range", "label"] as const;

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
 * Parses CSV text (RFC 4180 without quoted cells, which a numeric table never needs) into a
 * Dataset. Feature values must lie within ±MAX_ABS_FEATURE. Tolerates a byte-order mark, CRLF line ends and trailing blank lines; anything else
 * irregular is a CsvError naming the line.
 */
export function parseCsv(text: string, options: { label?: string } = {}): Dataset {
  const label = options.label ?? "class";
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
  const y = new Uint8Array(n);
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
        const value = NUMBER.test(cell) ? Number(cell) : NaN;
        if (value !== 0 && value !== 1) throw new CsvError("label", line, `label "${cell}" is not 0 or 1`);
        y[i] = value;
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
  return { featureNames, x, y };
}

/** The CSV text of a dataset with the label column last; parseCsv reads it back unchanged. */
export function formatCsv(data: Dataset, label = "class"): string {
  const d = data.featureNames.length;
  const lines = [[...data.featureNames, label].join(",")];
  for (let i = 0; i < data.y.length; i++) lines.push([...data.x.subarray(i * d, i * d + d), data.y[i]].join(","));
  return lines.join("\n") + "\n";
}
