import { describe, expect, it } from "vitest";
import { compileModel, CsvError, firstOutOfRange, MAX_ABS_FEATURE, parseCsv, scoreRows } from "../../model/index.ts";

describe("firstOutOfRange", () => {
  it.each([
    [[0, 1, -1], -1],
    [[MAX_ABS_FEATURE, -MAX_ABS_FEATURE], -1],
    [[0, 1e200], 1],
    [[Number.NaN], 0],
    [[1, Number.POSITIVE_INFINITY], 1],
    [[-1e16, 0], 0],
  ])("finds the first value of %j outside ±1e15 at %i", (row, at) => {
    expect(firstOutOfRange(row)).toBe(at);
  });
});

describe("parseCsv and the value bound", () => {
  it("refuses a cell beyond ±1e15 with a range error naming the line and column", () => {
    const error = (() => {
      try {
        parseCsv("a,b,class\n1,2,0\n3,1e200,1\n");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CsvError);
    expect(error).toMatchObject({ code: "range", line: 3 });
    expect((error as Error).message).toContain('"b"');
  });
});

describe("scoreRows", () => {
  it("keeps every margin finite, even for inputs that overflow a double", () => {
    const compiled = compileModel({
      featureNames: ["a", "b"],
      scaler: { mean: [0, 0], scale: [1, 1] },
      weights: [1e300, -1e300],
      bias: 0,
    });
    const { margins, labels } = scoreRows(compiled, [
      [1e10, 0],
      [0, 1e10],
      [1e10, 1e10],
    ]);
    expect(Array.from(margins)).toEqual([Number.MAX_VALUE, -Number.MAX_VALUE, 0]);
    expect(Array.from(labels)).toEqual([1, 0, 0]);
  });
});
