// The lean batch parser must be the contract's schema, only faster: for any body, it accepts
// exactly what BatchRequest accepts, returns the same value, and refuses with the same message.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { BatchRequest } from "../../workers/contract/api.ts";
import { ApiError } from "../../workers/contract/errors.ts";
import { parseRequest } from "../../workers/services/parse-request.ts";
import { parseBatchRequest } from "../../workers/services/parse-batch.ts";
import { RUNS } from "./arbitraries.ts";

const cell = fc.oneof(
  { weight: 8, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity, NaN, -0, "1", null, true, [1], {}) },
);
const row = fc.oneof({ weight: 8, arbitrary: fc.array(cell, { minLength: 0, maxLength: 5 }) }, fc.anything());
const body = fc.oneof(
  fc.record(
    {
      features: fc.oneof({ weight: 8, arbitrary: fc.array(row, { maxLength: 6 }) }, fc.anything()),
      ids: fc.array(fc.string({ maxLength: 3 }), { maxLength: 6 }),
      callbackUrl: fc.constantFrom("https://hooks.example.com/x", "http://x", 7),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

function outcome(parse: () => unknown): { ok: unknown } | { error: string } {
  try {
    return { ok: parse() };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { error: `${error.code}: ${error.message}` };
  }
}

test.prop([body], RUNS)("accepts, returns and refuses exactly as the BatchRequest schema does", (value) => {
  expect(outcome(() => parseBatchRequest(value))).toEqual(
    outcome(() => parseRequest(BatchRequest, value, "INVALID_BATCH")),
  );
});
