// The data `npm run bench:model` trains on. Every side of every comparison gets exactly these
// rows: our trainer in-process, libsvm-js in-process, scikit-learn through files (peer-files.ts).
import { readFileSync } from "node:fs";
import { generateClassification, parseCsv, selectRows, splitFold } from "../../model/index.ts";
import type { Dataset } from "../../model/index.ts";

export type Split = { readonly label: string; readonly train: Dataset; readonly test: Dataset };

/** test/fixtures/bank_data.csv (UCI banknote authentication), row i in the test split when i mod 5 = 0. */
export function banknoteSplit(): Split {
  const data = parseCsv(readFileSync(new URL("../../test/fixtures/bank_data.csv", import.meta.url), "utf8"));
  const { train, test } = splitFold(data, 0, 5);
  return { label: `banknote (test/fixtures/bank_data.csv, ${shape(data)})`, train, test };
}

/**
 * A noisy synthetic 100,000 × 20 set split 80/20. Seed 7 because its linear test accuracy (~0.87)
 * is near that of scikit-learn's make_classification with the same settings: how hard the set is,
 * and so how much work the solvers do, depends on where the generator puts the clusters.
 */
export function syntheticSplit(): Split {
  const data = generateClassification({
    rows: 100_000,
    features: 20,
    informative: 10,
    redundant: 5,
    flip: 0.01,
    classSep: 1,
    seed: 7,
  });
  const { train, test } = splitFold(data, 0, 5);
  return {
    label: "synthetic 100,000 × 20 (10 informative, 5 redundant, 1% label noise, seed 7)",
    train,
    test,
  };
}

/** The first `rows` training rows (the generator already shuffled them), the test split unchanged. */
export function subsample(split: Split, rows: number): Split {
  const train = selectRows(
    split.train,
    Array.from({ length: rows }, (_, i) => i),
  );
  return { label: `${split.label}, first ${rows.toLocaleString("en")} training rows`, train, test: split.test };
}

/** Rows as number[][], the shape libsvm-js takes. */
export function toRows(x: Float64Array, d: number): number[][] {
  return Array.from({ length: x.length / d }, (_, i) => Array.from(x.subarray(i * d, i * d + d)));
}

export const shape = (data: Dataset): string => `${data.y.length.toLocaleString("en")} × ${data.featureNames.length}`;
