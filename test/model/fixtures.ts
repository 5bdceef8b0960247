// Shared inputs for the model tests: the real banknote data and scikit-learn's reference figures,
// vendored in test/fixtures (provenance and licence in its README).
import { readFileSync } from "node:fs";
import { parseCsv } from "../../model/index.ts";
import type { Dataset } from "../../model/index.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url);

function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

export function loadBanknote(): Dataset {
  return parseCsv(readFixture("bank_data.csv"));
}

type SklearnModel = {
  fold_accuracy: number[];
  mean_accuracy: number;
  full_data_coef: number[];
  full_data_intercept: number;
};

export function loadSklearnReference(): Record<string, SklearnModel> {
  return (JSON.parse(readFixture("sklearn-banknote.json")) as { models: Record<string, SklearnModel> }).models;
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
