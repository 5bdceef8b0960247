// The rows bench:api trains on and sends, and every encoding of them it sends or weighs: one
// seeded 30-feature data set (generateClassification), the first rows to train on, the rest
// sent with values rounded to 4 decimals (what a client typically has). JSON arrays are the
// API's body ({"features": [[...], ...]}); Arrow is an IPC stream with one float64 column per
// feature, named like the model's features.
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { gzipSync, strToU8 } from "fflate";
import { generateClassification, selectRows, type Dataset } from "../../model/index.ts";

export const FEATURES = 30;
export const TRAIN_ROWS = 4_000;
/** Rows of the accept-CPU body (goal a). */
export const ACCEPT_ROWS = 10_000;
/** Rows of each POST → complete batch and of the wire-bytes table (goals b and c). */
export const BATCH_ROWS = 1_000;

const data = generateClassification({
  rows: TRAIN_ROWS + ACCEPT_ROWS,
  features: FEATURES,
  informative: 12,
  redundant: 6,
  flip: 0.02,
  classSep: 1.2,
  seed: 20261313,
});
export const featureNames: readonly string[] = data.featureNames;

export function trainingSet(): Dataset {
  return selectRows(
    data,
    Array.from({ length: TRAIN_ROWS }, (_, i) => i),
  );
}

/** `count` sent rows from `start`, as row arrays, rounded to 4 decimals unless `full`. */
export function sentRows(start: number, count: number, full = false): number[][] {
  return Array.from({ length: count }, (_, r) => {
    const offset = (TRAIN_ROWS + start + r) * FEATURES;
    const row = Array.from(data.x.subarray(offset, offset + FEATURES));
    return full ? row : row.map((v) => Math.round(v * 1e4) / 1e4);
  });
}

/** The API's JSON body: row arrays, features in the model's order. */
export const jsonArrays = (rows: number[][]): Uint8Array => strToU8(JSON.stringify({ features: rows }));

/** The 2021 style: one object per row, each value under its feature's name. */
export const jsonObjects = (rows: number[][]): Uint8Array =>
  strToU8(JSON.stringify(rows.map((row) => Object.fromEntries(featureNames.map((name, j) => [name, row[j]])))));

/** An Arrow IPC stream: one float64 column per feature. */
export function arrowStream(rows: number[][]): Uint8Array {
  const columns: Record<string, Float64Array> = {};
  featureNames.forEach((name, j) => (columns[name] = Float64Array.from(rows, (row) => row[j])));
  return tableToIPC(tableFromArrays(columns), "stream");
}

export const gzip = (bytes: Uint8Array): Uint8Array => gzipSync(bytes);

/** A gzip body of each kind, for POST /v1/batches. */
export interface BatchBodies {
  json: Uint8Array;
  arrow: Uint8Array;
}

export function batchBodies(rows: number[][]): BatchBodies {
  return { json: gzip(jsonArrays(rows)), arrow: gzip(arrowStream(rows)) };
}
