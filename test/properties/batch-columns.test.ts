// The one-pass JSON ingest (batchColumns) must be the old three passes, only faster: for any body
// and any model, it returns exactly the columns that schema + checkFeatureRows + columnsFromRows
// gave, or refuses with exactly their error.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { ApiError } from "../../workers/contract/errors.ts";
import { columnsFromRows } from "../../workers/codecs/row-frame.ts";
import { checkFeatureRows } from "../../workers/services/check-feature-rows.ts";
import { batchColumns, parseBatchRequest } from "../../workers/services/parse-batch.ts";
import { RUNS } from "./arbitraries.ts";

const cell = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(1e15, -1e15, 1e16, Infinity, NaN, -0, "1", null, [1]) },
);
const row = fc.oneof({ weight: 10, arbitrary: fc.array(cell, { minLength: 0, maxLength: 4 }) }, fc.anything());
const body = fc.oneof(
  { weight: 10, arbitrary: fc.record({ features: fc.array(row, { maxLength: 5 }) }) },
  fc.record({ features: fc.anything() }, { requiredKeys: [] }),
  fc.anything(),
);
const names = fc.constantFrom(["a"], ["a", "b"], ["a", "b", "c"]);

function outcome(run: () => { rows: number; features: Float64Array }): { ok: number[] } | { error: string } {
  try {
    const { features } = run();
    return { ok: Array.from(features) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { error: `${error.code}: ${error.message}` };
  }
}

test.prop([body, names], RUNS)(
  "returns or refuses exactly as the schema, the row checks and the column copy did",
  (value, featureNames) => {
    const old = () => {
      const request = parseBatchRequest(value);
      checkFeatureRows(request.features, undefined, featureNames, "v1");
      return { rows: request.features.length, features: columnsFromRows(request.features, featureNames.length) };
    };
    expect(outcome(() => batchColumns(value, featureNames, "v1"))).toEqual(outcome(old));
  },
);
