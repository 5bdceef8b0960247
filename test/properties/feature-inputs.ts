// Request bodies for /v1/batches and /v1/predict: arbitrary JSON values, or ones shaped like a batch
// ({features, ids?, callbackUrl?}) with rows that are right, ragged, huge or not numbers at all.
// Every value is JSON (no NaN, no Infinity), so the same bodies also travel over HTTP.
import { fc } from "@fast-check/vitest";
import { jsonValue } from "./arbitraries.ts";

const cell = fc.oneof(
  { weight: 8, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }) },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(1e15, -1e15, 1e16, "1", null, true, [], {}) },
);

/** Rows mostly four wide (the demo model's width), sometimes not. */
const row = fc.oneof(
  { weight: 6, arbitrary: fc.array(cell, { minLength: 4, maxLength: 4 }) },
  { weight: 2, arbitrary: fc.array(cell, { maxLength: 6 }) },
  { weight: 1, arbitrary: jsonValue(2) },
);

const clientIds = fc.oneof(
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 8 }),
  fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 8 }),
  jsonValue(2),
);

const callbackUrl = fc.oneof(
  fc.webUrl({ validSchemes: ["https", "http"] }),
  fc.constantFrom(
    "https://localhost/hook",
    "https://127.0.0.1/hook",
    "https://[::1]/hook",
    "https://169.254.169.254/latest",
    "https://10.0.0.1/x",
    "https://example.com:99999/",
    "javascript:alert(1)",
    "",
  ),
  fc.string(),
);

const batchLike = fc.record(
  {
    features: fc.oneof(
      { weight: 5, arbitrary: fc.array(row, { maxLength: 6 }) },
      { weight: 1, arbitrary: jsonValue(3) },
    ),
    ids: clientIds,
    callbackUrl,
    extra: jsonValue(2),
  },
  { requiredKeys: ["features"] },
);

const numbers = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });

/** A body the demo model would take, give or take an id list or a callback. */
const nearlyValid = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.record({
    features: fc.array(fc.array(numbers, { minLength: 4, maxLength: 4 }), { minLength: n, maxLength: n }),
    ids: fc.option(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: n, maxLength: n }), {
      nil: undefined,
    }),
    callbackUrl: fc.option(fc.webUrl({ validSchemes: ["https"] }), { nil: undefined, freq: 4 }),
  }),
);

export const featureBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: jsonValue(4) },
  { weight: 1, arbitrary: jsonValue(3).map((features) => ({ features })) },
  { weight: 3, arbitrary: batchLike },
  { weight: 3, arbitrary: nearlyValid },
);
