// Row frames from any rows: encode → decode gives back the same frame byte for byte (NaN, -0 and
// any Unicode id included), wherever the bytes lie in memory; and bytes that were changed or cut
// short decode to a frame or throw RowFrameError, never another error.
import { fc, it } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { RowFrameError, decodeRowFrame, encodeRowFrame, rowOf, sliceRowFrame } from "../../workers/codecs/row-frame.ts";
import type { RowFrame } from "../../workers/codecs/row-frame.ts";
import { RUNS, outcomeOfSync, unicodeString } from "./arbitraries.ts";

const isRowFrameError = (error: unknown): error is RowFrameError => error instanceof RowFrameError;

const doubles = (length: number) =>
  fc.array(fc.double(), { minLength: length, maxLength: length }).map((values) => Float64Array.from(values));

/** Any frame: 0–8 rows of 0–5 features, each optional column present or not. */
const frame: fc.Arbitrary<RowFrame> = fc
  .tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 5 }))
  .chain(([rows, featureCount]) =>
    fc.record({
      rows: fc.constant(rows),
      offset: fc.integer({ min: 0, max: 2 ** 32 - 1 - rows }),
      featureCount: fc.constant(featureCount),
      features: doubles(rows * featureCount),
      ids: fc.option(fc.array(unicodeString({ maxLength: 12 }), { minLength: rows, maxLength: rows })),
      margins: fc.option(doubles(rows)),
      labels: fc.option(
        fc.array(fc.constantFrom(0, 1), { minLength: rows, maxLength: rows }).map((l) => Uint8Array.from(l)),
      ),
      modelVersion: fc.option(unicodeString({ maxLength: 12 })),
    }),
  );

/** A byte changed at a position (taken modulo the length) to a value. */
const byteChanges = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 });

describe("row frames", () => {
  it.prop([frame], RUNS)("decode to the frame that was encoded, and re-encode to the same bytes", (original) => {
    const bytes = encodeRowFrame(original);
    const back = decodeRowFrame(bytes);
    expect(back).toEqual(original);
    expect(encodeRowFrame(back)).toEqual(bytes);
  });

  it.prop([frame, fc.integer({ min: 1, max: 7 })], RUNS)(
    "decode the same from bytes that start anywhere in their buffer",
    (original, shift) => {
      const bytes = encodeRowFrame(original);
      const moved = new Uint8Array(bytes.length + shift);
      moved.set(bytes, shift);
      const back = decodeRowFrame(moved.subarray(shift));
      expect(encodeRowFrame(back)).toEqual(bytes);
      expect(back.features.byteOffset % 8).toBe(0);
    },
  );

  it.prop([frame, fc.nat(), fc.nat()], RUNS)(
    "slice into runs whose rows are the frame's rows from the slice's offset on",
    (original, a, b) => {
      const [start, end] = [a % (original.rows + 1), b % (original.rows + 1)].sort((x, y) => x - y);
      const slice = decodeRowFrame(encodeRowFrame(sliceRowFrame(original, start, end)));
      expect(slice.offset).toBe(original.offset + start);
      for (let i = 0; i < slice.rows; i++) {
        expect(rowOf(slice, i)).toEqual(rowOf(original, start + i));
        expect(slice.ids?.[i]).toEqual(original.ids?.[start + i]);
      }
    },
  );

  it.prop([frame, byteChanges], RUNS)("decode changed bytes to a frame or a RowFrameError", (original, changes) => {
    const bytes = encodeRowFrame(original);
    for (const [at, value] of changes) bytes[at % bytes.length] = value;
    const outcome = outcomeOfSync(() => decodeRowFrame(bytes), isRowFrameError);
    if (outcome.ok) expect(() => encodeRowFrame(outcome.value)).not.toThrow();
  });

  it.prop([frame, fc.nat()], RUNS)("refuse bytes cut short with a RowFrameError", (original, cut) => {
    const bytes = encodeRowFrame(original);
    const short = bytes.subarray(0, cut % bytes.length);
    expect(outcomeOfSync(() => decodeRowFrame(short), isRowFrameError).ok).toBe(false);
  });
});
