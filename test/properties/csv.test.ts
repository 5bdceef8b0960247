// parseCsv on anything a user may upload: a Dataset or a CsvError naming the line, never
// another error; and any numeric table within the accepted range survives formatCsv → parseCsv.
import { fc, it } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { CsvError, formatCsv, parseCsv } from "../../model/index.ts";
import type { Dataset } from "../../model/types.ts";
import { RUNS, anyString, applyEdits, edits, outcomeOfSync } from "./arbitraries.ts";

const MAX_ABS = 1e15;
const isCsvError = (error: unknown): error is CsvError => error instanceof CsvError;

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/).filter((n) => n !== "class");
const feature = fc
  .double({ noNaN: true, noDefaultInfinity: true, min: -MAX_ABS, max: MAX_ABS })
  // formatCsv writes -0 as "0": the sign of a zero is not kept (see the example below).
  .map((v) => (Object.is(v, -0) ? 0 : v));

/** A labelled numeric table: 1–6 features, 1–8 rows, values anywhere within ±1e15. */
const dataset: fc.Arbitrary<Dataset> = fc
  .tuple(fc.uniqueArray(name, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 8 }))
  .chain(([featureNames, n]) =>
    fc
      .record({
        x: fc.array(feature, { minLength: n * featureNames.length, maxLength: n * featureNames.length }),
        y: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
      })
      .map(({ x, y }) => ({ featureNames, x: Float64Array.from(x), y: Uint8Array.from(y) })),
  );

// What CSV text is made of, and what breaks it: separators, line ends, quotes, signs, exponents,
// a byte-order mark, words a number parser might take (Infinity, 0x1f, NaN), huge values.
const csvPiece = fc.oneof(
  fc.constantFrom(",", "\n", "\r\n", "\r", '"', " ", "\t", ".", "-", "+", "e", "E", "0", "1", "9", "\uFEFF"),
  fc.constantFrom("class", "Infinity", "0x1f", "NaN", "1e16", "-1e15", "1e999", ",,", "\n\n", "5e-324"),
  fc.string({ unit: "binary", maxLength: 3 }),
);

/** The invariants every parsed Dataset keeps, whatever text it came from. */
function expectWellFormed(data: Dataset): void {
  expect(data.featureNames.length).toBeGreaterThan(0);
  expect(new Set(data.featureNames).size).toBe(data.featureNames.length);
  expect(data.y.length).toBeGreaterThan(0);
  expect(data.x.length).toBe(data.y.length * data.featureNames.length);
  for (const v of data.x) expect(Math.abs(v)).toBeLessThanOrEqual(MAX_ABS);
  for (const label of data.y) expect([0, 1]).toContain(label);
}

describe("parseCsv", () => {
  it.prop([fc.oneof(anyString(200), fc.string({ unit: csvPiece, maxLength: 60 }))], RUNS)(
    "returns a well-formed Dataset or throws a CsvError for any text",
    (text) => {
      const outcome = outcomeOfSync(() => parseCsv(text), isCsvError);
      if (outcome.ok) expectWellFormed(outcome.value);
      else expect(outcome.error.line).toBeGreaterThanOrEqual(1);
    },
  );

  it.prop([dataset, edits(csvPiece)], RUNS)(
    "returns a well-formed Dataset or throws a CsvError for a valid file with a few characters changed",
    (data, changes) => {
      const outcome = outcomeOfSync(() => parseCsv(applyEdits(formatCsv(data), changes)), isCsvError);
      if (outcome.ok) expectWellFormed(outcome.value);
    },
  );

  it.prop([dataset, fc.option(name, { nil: undefined })], RUNS)(
    "reads back exactly the dataset formatCsv wrote, whatever the label column is called",
    (data, label) => {
      fc.pre(label === undefined || !data.featureNames.includes(label));
      const back = parseCsv(formatCsv(data, label), { label });
      expect(back).toEqual(data);
    },
  );

  it("writes -0 as 0, so a negative zero reads back as 0", () => {
    const data = { featureNames: ["a"], x: Float64Array.of(-0), y: Uint8Array.of(1) };
    expect(parseCsv(formatCsv(data)).x).toEqual(Float64Array.of(0));
  });
});
