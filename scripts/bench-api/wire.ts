// Goal (c), bytes on the wire per row: the same 1,000 × 30 rows in each encoding, with values
// as sent (4 decimals) and at full precision.
import { arrowStream, gzip, jsonArrays, jsonObjects } from "./bodies.ts";

export interface WireRow {
  label: string;
  /** Bytes per row: values rounded to 4 decimals, and at full precision. */
  rounded: number;
  full: number;
}

const ENCODINGS: [string, (rows: number[][]) => Uint8Array][] = [
  ["JSON objects with names", jsonObjects],
  ["JSON arrays", jsonArrays],
  ["gzip JSON arrays", (rows) => gzip(jsonArrays(rows))],
  ["Arrow (float64 columns)", arrowStream],
  ["gzip Arrow", (rows) => gzip(arrowStream(rows))],
];

export function wireBytes(rounded: number[][], full: number[][]): WireRow[] {
  return ENCODINGS.map(([label, encode]) => ({
    label,
    rounded: encode(rounded).byteLength / rounded.length,
    full: encode(full).byteLength / full.length,
  }));
}
