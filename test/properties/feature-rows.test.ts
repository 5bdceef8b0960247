// Feature rows from any client: the contract schemas and checkFeatureRows either let a body
// through or refuse it with a 4xx ApiError, and checkFeatureRows refuses exactly what it should.
import { fc, it } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { BatchRequest, PredictRequest } from "../../workers/contract/api.ts";
import { checkFeatureRows } from "../../workers/services/check-feature-rows.ts";
import { parseRequest } from "../../workers/services/parse-request.ts";
import { RUNS, isClientError, outcomeOfSync } from "./arbitraries.ts";
import { featureBody } from "./feature-inputs.ts";

const MAX_ABS = 1e15;
const names = fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 });
const anyNumber = fc.oneof(
  fc.double(),
  fc.double({ min: -MAX_ABS, max: MAX_ABS, noNaN: true }),
  fc.constantFrom(MAX_ABS, -MAX_ABS, Number.MAX_VALUE, 1e16),
);
const rows = fc.array(fc.array(anyNumber, { maxLength: 6 }), { maxLength: 6 });
const ids = fc.option(fc.array(fc.constantFrom("a", "b", "c", "d", "e", "f", "g"), { maxLength: 7 }), {
  nil: undefined,
});

describe("checkFeatureRows", () => {
  it.prop([rows, ids, names, fc.string()], RUNS)(
    "passes rows exactly when every row is as wide as the model, finite and within ±1e15, with unique ids one per row",
    (features, clientIds, featureNames, version) => {
      const outcome = outcomeOfSync(() => checkFeatureRows(features, clientIds, featureNames, version), isClientError);
      const valid =
        features.every((row) => row.length === featureNames.length && row.every((v) => Math.abs(v) <= MAX_ABS)) &&
        (clientIds === undefined ||
          (clientIds.length === features.length && new Set(clientIds).size === clientIds.length));
      expect(outcome.ok).toBe(valid);
    },
  );
});

describe("BatchRequest and PredictRequest with checkFeatureRows", () => {
  it.prop([featureBody, fc.constantFrom(BatchRequest, PredictRequest), names], RUNS)(
    "let any JSON body through or refuse it with a 4xx ApiError",
    (body, schema, featureNames) => {
      outcomeOfSync(() => {
        const request = parseRequest(schema, body, "INVALID_BATCH");
        checkFeatureRows(request.features, request.ids, featureNames, "v1");
        return request;
      }, isClientError);
    },
  );
});
