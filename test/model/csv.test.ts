import { describe, expect, it } from "vitest";
import { CsvError, parseCsv } from "../../model/index.ts";

const SAMPLE =
  "variance,skewness,curtosis,entropy,class\n3.6216,8.6661,-2.8073,-0.44699,0\n-1.4378,.66837,2e-1,1.0271,1\n";

describe("parseCsv", () => {
  it("reads features from the header and the label column by name", () => {
    const data = parseCsv(SAMPLE);
    expect(data.featureNames).toEqual(["variance", "skewness", "curtosis", "entropy"]);
    expect(Array.from(data.x)).toEqual([3.6216, 8.6661, -2.8073, -0.44699, -1.4378, 0.66837, 0.2, 1.0271]);
    expect(Array.from(data.y)).toEqual([0, 1]);
  });

  it("takes the label from any column and any number of features", () => {
    const data = parseCsv("y,a,b,c,d,e,f,g\n1,1,2,3,4,5,6,7\n0,7,6,5,4,3,2,1", { label: "y" });
    expect(data.featureNames).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    expect(data.x).toHaveLength(14);
    expect(Array.from(data.y)).toEqual([1, 0]);
  });

  it("tolerates CRLF line ends, a byte-order mark and blank trailing lines", () => {
    const windows = "\uFEFF" + SAMPLE.replaceAll("\n", "\r\n") + "\r\n  \r\n";
    const data = parseCsv(windows);
    expect(data.featureNames[0]).toBe("variance");
    expect(data.y).toHaveLength(2);
    expect(data.x[7]).toBe(1.0271);
  });

  it("accepts a label written as 1.0", () => {
    expect(Array.from(parseCsv("a,class\n1,1.0\n2,0.0").y)).toEqual([1, 0]);
  });

  describe.each([
    ["an empty file", "", "empty", 1, /the file is empty/],
    ["a file of blank lines", "\n \r\n", "empty", 1, /the file is empty/],
    ["a header without rows", "a,class\n", "empty", 2, /no data rows/],
    ["a missing label column", "a,b\n1,2", "header", 1, /no label column "class"/],
    ["a duplicated column", "a,a,class\n1,2,0", "header", 1, /"a" appears twice/],
    ["an unnamed column", "a,,class\n1,2,0", "header", 1, /a column has no name/],
    ["a label column alone", "class\n1", "header", 1, /no feature column/],
    ["a short row", "a,b,class\n1,2,0\n1,0", "ragged", 3, /expected 3 cells, found 2/],
    ["a long row", "a,b,class\n1,2,0,9", "ragged", 2, /expected 3 cells, found 4/],
    ["a blank line inside the data", "a,class\n1,0\n\n2,1", "ragged", 3, /found 1/],
    ["a word in a number cell", "a,b,class\n1,2,0\n1,abc,1", "non-numeric", 3, /"b" is "abc"/],
    ["an empty cell", "a,b,class\n1,,0", "non-numeric", 2, /"b" is ""/],
    ["a hexadecimal cell", "a,class\n0x1f,0", "non-numeric", 2, /"a" is "0x1f"/],
    ["an infinite cell", "a,class\n1e999,0", "non-numeric", 2, /not a finite number/],
    ["a label other than 0 or 1", "a,class\n1,0\n2,2", "label", 3, /label "2" is not 0 or 1/],
    ["a single textual label value", "a,class\n1,yes\n2,yes", "label", 3, /label "yes" is the only value/],
    ["a third label value", "a,class\n1,yes\n2,no\n3,maybe", "label", 4, /a third label value "maybe"/],
    ["a blank label among names", "a,class\n1,yes\n2,no\n3,", "label", 4, /a third label value ""/],
    ["a label name of 41 characters", `a,class\n1,yes\n2,${"n".repeat(41)}`, "label", 3, /longer than 40/],
  ] as const)("refuses %s", (_, text, code, line, message) => {
    it(`with a CsvError "${code}" naming line ${line}`, () => {
      let caught: unknown;
      try {
        parseCsv(text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CsvError);
      const error = caught as CsvError;
      expect(error.code).toBe(code);
      expect(error.line).toBe(line);
      expect(error.message).toMatch(new RegExp(`^line ${line}: `));
      expect(error.message).toMatch(message);
    });
  });
});

describe("parseCsv with named classes", () => {
  const NAMED = 'a,class\n1,genuine\n2,forged\n3,"genuine"\n';

  it("maps two label names to 0 and 1 in sorted order and records them as class names", () => {
    const data = parseCsv(NAMED);
    expect(data.classNames).toEqual(["forged", "genuine"]);
    expect(Array.from(data.y)).toEqual([1, 0, 1]);
  });

  it("keeps 0/1 labels as they are, with no class names", () => {
    expect(parseCsv(SAMPLE).classNames).toBeUndefined();
  });

  it("names 0/1 labels with the classes given", () => {
    const data = parseCsv(SAMPLE, { classes: ["genuine", "forged"] });
    expect(data.classNames).toEqual(["genuine", "forged"]);
    expect(Array.from(data.y)).toEqual([0, 1]);
  });

  it("maps label names by the classes given: the first is 0, the second 1", () => {
    const data = parseCsv(NAMED, { classes: ["genuine", "forged"] });
    expect(data.classNames).toEqual(["genuine", "forged"]);
    expect(Array.from(data.y)).toEqual([0, 1, 0]);
  });

  it("takes a file holding one of the classes given", () => {
    expect(Array.from(parseCsv("a,class\n1,spam\n2,spam", { classes: ["ham", "spam"] }).y)).toEqual([1, 1]);
  });

  it("refuses a label that is not one of the classes given, naming its line", () => {
    expect(() => parseCsv(NAMED + "4,fake\n", { classes: ["genuine", "forged"] })).toThrow(
      /^line 5: label "fake" is neither "genuine" nor "forged" \(the classes given\)/,
    );
    const error = (() => {
      try {
        parseCsv(NAMED + "4,fake\n", { classes: ["genuine", "forged"] });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).code).toBe("classes");
  });

  it("refuses classes that are not two distinct names of 1–40 characters", () => {
    for (const classes of [
      ["a", "a"],
      ["", "b"],
      ["a".repeat(41), "b"],
    ] as const) {
      expect(() => parseCsv(SAMPLE, { classes })).toThrow(RangeError);
    }
  });
});

describe("formatCsv", () => {
  it("writes a dataset that parseCsv reads back unchanged, with any number of features", async () => {
    const { formatCsv, parseCsv: parse } = await import("../../model/index.ts");
    const data = {
      featureNames: ["a", "b", "c"],
      x: Float64Array.from([1.5, -2, 3e-7, 0, 4, 5]),
      y: Uint8Array.from([1, 0]),
    };
    const back = parse(formatCsv(data));
    expect(back.featureNames).toEqual(["a", "b", "c"]);
    expect(Array.from(back.x)).toEqual(Array.from(data.x));
    expect(Array.from(back.y)).toEqual([1, 0]);
  });
});
