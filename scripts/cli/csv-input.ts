// Reading the CLI's input CSVs: a header row, then one row per line, comma-separated, cells
// optionally in double quotes (without commas or quotes inside them). Lines are read lazily
// from the text, so a large file is never split into one array of lines.
import { readFileSync } from "node:fs";
import { UsageError } from "./errors.ts";

export interface CsvLine {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  cells: string[];
}

export function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

export function splitCells(line: string): string[] {
  return line.split(",").map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
}

/** The header's cells and every non-blank line after it. */
export function readCsv(text: string, file: string): { header: string[]; rows: Iterable<CsvLine>; count: number } {
  const body = text.replace(/^\uFEFF/, "");
  const lines = iterateLines(body);
  const first = lines.next();
  if (first.done || first.value.text.trim() === "") throw new UsageError(`${file} is empty (a header row is needed)`);
  const header = splitCells(first.value.text);
  const duplicate = header.find((name, k) => header.indexOf(name) !== k);
  if (duplicate !== undefined) throw new UsageError(`${file}: column "${duplicate}" appears twice`);
  let count = 0;
  for (const { text: line } of iterateLines(body)) if (line.trim() !== "") count++;
  const rows = {
    *[Symbol.iterator]() {
      for (const { text: line, number } of iterateLines(body)) {
        if (number === 1 || line.trim() === "") continue;
        const cells = splitCells(line);
        if (cells.length !== header.length)
          throw new UsageError(`${file} line ${number}: expected ${header.length} cells, found ${cells.length}`);
        yield { line: number, cells };
      }
    },
  };
  return { header, rows, count: count - 1 };
}

function* iterateLines(text: string): Generator<{ text: string; number: number }> {
  let start = 0;
  for (let number = 1; start < text.length; number++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    yield { text: text.slice(start, end > start && text[end - 1] === "\r" ? end - 1 : end), number };
    start = end + 1;
  }
}

/** The index of each named column; a missing one is a UsageError naming it. */
export function columnIndexes(header: string[], names: readonly string[], file: string, what: string): number[] {
  const missing = names.filter((name) => !header.includes(name));
  if (missing.length > 0)
    throw new UsageError(
      `${file} has no column ${missing.map((m) => `"${m}"`).join(", ")} (${what}); its columns: ${header.join(",")}`,
    );
  return names.map((name) => header.indexOf(name));
}

/** A finite number, or a UsageError naming the line and column. */
export function numberCell(cell: string, column: string, line: number, file: string): number {
  const value = cell === "" ? NaN : Number(cell);
  if (!Number.isFinite(value)) throw new UsageError(`${file} line ${line}: "${column}" is "${cell}", not a number`);
  return value;
}
