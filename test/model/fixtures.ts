// Shared inputs for the model tests: the real banknote data and scikit-learn's reference figures,
// read from the shared folder beside the project (never copied into it).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCsv } from "../../model/index.ts";
import type { Dataset } from "../../model/index.ts";

const SHARED = new URL("../../../shared/", import.meta.url);

function readShared(relative: string): string {
  const path = fileURLToPath(new URL(relative, SHARED));
  if (!existsSync(path)) throw new Error(`${path} is missing: the acceptance tests read the shared banknote data`);
  return readFileSync(path, "utf8");
}

export function loadBanknote(): Dataset {
  return parseCsv(readShared("data/bank_data.csv"));
}

type SklearnModel = {
  fold_accuracy: number[];
  mean_accuracy: number;
  full_data_coef: number[];
  full_data_intercept: number;
};

export function loadSklearnReference(): Record<string, SklearnModel> {
  return (JSON.parse(readShared("reference/sklearn-banknote.json")) as { models: Record<string, SklearnModel> }).models;
}

/** A Dataset from plain rows, for hand-made examples. */
export function makeDataset(rows: number[][], labels: number[], featureNames?: string[]): Dataset {
  const d = rows[0].length;
  return {
    featureNames: featureNames ?? Array.from({ length: d }, (_, j) => `x${j}`),
    x: Float64Array.from(rows.flat()),
    y: Uint8Array.from(labels),
  };
}
