import { describe, expect, it } from "vitest";
import {
  RowFrameError,
  columnsFromRows,
  concatRowFrames,
  decodeRowFrame,
  encodeRowFrame,
  rowOf,
  sliceRowFrame,
} from "../../workers/codecs/row-frame.ts";
import type { RowFrame } from "../../workers/codecs/row-frame.ts";

/** Three rows of two features, scored, with ids: the frame most tests start from. */
function scoredFrame(): RowFrame {
  return {
    rows: 3,
    offset: 40,
    featureCount: 2,
    features: columnsFromRows(
      [
        [1.5, -2],
        [0, 1e300],
        [-0, 5e-324],
      ],
      2,
    ),
    ids: ["a", "", "zé中🙂"],
    margins: Float64Array.of(0.25, -1, Number.MAX_VALUE),
    labels: Uint8Array.of(1, 0, 1),
    modelVersion: "v7",
  };
}

const unscoredFrame = (): RowFrame => ({
  ...scoredFrame(),
  ids: null,
  margins: null,
  labels: null,
  modelVersion: null,
});

/** The bytes of a frame with any header and data section, for malformed cases. */
function assemble(header: unknown, data: Uint8Array, preamble: { magic?: string; version?: number } = {}): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((16 + json.length) / 8) * 8;
  const out = new Uint8Array(dataStart + data.length);
  out.set(new TextEncoder().encode(preamble.magic ?? "ESVMROWS"));
  new DataView(out.buffer).setUint32(8, preamble.version ?? 1, true);
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(data, dataStart);
  return out;
}

const headerOf = (bytes: Uint8Array): Record<string, unknown> => {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length)));
};

/** A one-row frame with an ids column whose bytes are `ids` (offsets table included). */
const withIds = (ids: Uint8Array): Uint8Array =>
  assemble(
    {
      rows: 1,
      offset: 0,
      featureCount: 0,
      modelVersion: null,
      columns: [
        { name: "features", type: "f64", byteOffset: 0, byteLength: 0 },
        { name: "ids", type: "utf8", byteOffset: 0, byteLength: ids.length },
      ],
    },
    ids,
  );
const idsColumn = (offsets: number[], text: number[]) =>
  Uint8Array.from([...new Uint8Array(Uint32Array.from(offsets).buffer), ...text]);

describe("encodeRowFrame and decodeRowFrame", () => {
  it("round-trips a scored frame with ids, keeping -0, subnormals and empty and non-ASCII ids", () => {
    const back = decodeRowFrame(encodeRowFrame(scoredFrame()));
    expect(back).toEqual(scoredFrame());
    expect(Object.is(back.features[2], -0)).toBe(true);
  });

  it("round-trips an unscored frame without ids, margins or labels", () => {
    expect(decodeRowFrame(encodeRowFrame(unscoredFrame()))).toEqual(unscoredFrame());
  });

  it("round-trips a frame of scores only (no features) and an empty frame", () => {
    const scores: RowFrame = { ...scoredFrame(), featureCount: 0, features: new Float64Array(0) };
    expect(decodeRowFrame(encodeRowFrame(scores))).toEqual(scores);
    const empty = sliceRowFrame(scoredFrame(), 1, 1);
    expect(decodeRowFrame(encodeRowFrame(empty))).toEqual(empty);
  });

  it("keeps an id that starts with a byte-order mark", () => {
    const frame = { ...scoredFrame(), ids: ["\uFEFFx", "\uFEFF", "y"] };
    expect(decodeRowFrame(encodeRowFrame(frame)).ids).toEqual(frame.ids);
  });

  it("writes the magic, version 1 and columns at 8-byte-aligned offsets", () => {
    const bytes = encodeRowFrame(scoredFrame());
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe("ESVMROWS");
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(1);
    const header = headerOf(bytes);
    expect(header).toMatchObject({ rows: 3, offset: 40, featureCount: 2, modelVersion: "v7" });
    const columns = header.columns as { name: string; byteOffset: number }[];
    expect(columns.map((c) => c.name)).toEqual(["features", "ids", "margins", "labels"]);
    for (const c of columns) expect(c.byteOffset % 8).toBe(0);
  });

  it("views aligned f64 columns in place and reads an ArrayBuffer alike", () => {
    const bytes = encodeRowFrame(scoredFrame());
    const back = decodeRowFrame(bytes);
    expect(back.features.buffer).toBe(bytes.buffer);
    expect(decodeRowFrame(bytes.buffer as ArrayBuffer)).toEqual(scoredFrame());
  });

  it.each([1, 3, 4, 7])("copies into aligned arrays when the input starts %i bytes into its buffer", (shift) => {
    const bytes = encodeRowFrame(scoredFrame());
    const shifted = new Uint8Array(bytes.length + 16).fill(0xee);
    shifted.set(bytes, shift);
    const back = decodeRowFrame(shifted.subarray(shift, shift + bytes.length));
    expect(back).toEqual(scoredFrame());
    expect(back.features.byteOffset % 8).toBe(0);
    expect(back.margins?.byteOffset).toBe(0);
  });

  it("refuses every truncation of a small frame with a RowFrameError, even inside a larger buffer", () => {
    for (const frame of [scoredFrame(), unscoredFrame(), sliceRowFrame(unscoredFrame(), 0, 0)]) {
      const bytes = encodeRowFrame(frame);
      for (let length = 0; length < bytes.length; length++) {
        expect(() => decodeRowFrame(bytes.subarray(0, length)), `${length} bytes`).toThrow(RowFrameError);
        expect(() => decodeRowFrame(bytes.slice(0, length)), `${length} bytes copied`).toThrow(RowFrameError);
      }
    }
  });

  const goodHeader = {
    rows: 1,
    offset: 0,
    featureCount: 1,
    modelVersion: null,
    columns: [{ name: "features", type: "f64", byteOffset: 0, byteLength: 8 }],
  };
  const f64 = new Uint8Array(8);
  const withColumns = (...columns: object[]) => assemble({ ...goodHeader, columns }, new Uint8Array(24));
  const features = { name: "features", type: "f64", byteOffset: 0, byteLength: 8 };

  it("decodes the hand-assembled frame the malformed cases start from", () => {
    expect(decodeRowFrame(assemble(goodHeader, f64)).features).toEqual(Float64Array.of(0));
  });

  describe.each<[string, () => Uint8Array]>([
    ["bad magic", () => assemble(goodHeader, f64, { magic: "ESVMROWZ" })],
    ["an unknown version", () => assemble(goodHeader, f64, { version: 2 })],
    ["a header length past the end", () => assemble(goodHeader, f64).fill(0xff, 12, 16)],
    ["a header that is not UTF-8", () => assemble(goodHeader, f64).fill(0xff, 16, 17)],
    ["a header that is not JSON", () => assemble(goodHeader, f64).fill(0x20, 16, 17)],
    ["a header that is not an object", () => assemble([1, 2], f64)],
    ["a header without rows", () => assemble({ ...goodHeader, rows: undefined }, f64)],
    ["negative rows", () => assemble({ ...goodHeader, rows: -1 }, f64)],
    ["fractional rows", () => assemble({ ...goodHeader, rows: 0.5 }, f64)],
    ["a negative offset", () => assemble({ ...goodHeader, offset: -3 }, f64)],
    ["a last row past 2³² − 1", () => assemble({ ...goodHeader, offset: 2 ** 32 - 1 }, f64)],
    ["a modelVersion that is not a string", () => assemble({ ...goodHeader, modelVersion: 7 }, f64)],
    ["no features column", () => withColumns({ ...features, name: "margins" })],
    ["a column twice", () => withColumns(features, features)],
    ["an unknown column", () => withColumns(features, { ...features, name: "weights" })],
    ["a column of the wrong type", () => withColumns({ ...features, type: "u8" })],
    ["a misaligned column", () => withColumns({ ...features, byteOffset: 4 })],
    ["a column past the end", () => withColumns({ ...features, byteOffset: 24 })],
    ["a column whose length runs past the end", () => withColumns({ ...features, byteOffset: 16, byteLength: 16 })],
    ["a huge column", () => withColumns({ ...features, byteLength: 2 ** 32 - 1 })],
    ["features shorter than rows × featureCount", () => withColumns({ ...features, byteLength: 0 })],
    ["features longer than rows × featureCount", () => withColumns({ ...features, byteLength: 16 })],
    [
      "margins of the wrong length",
      () => withColumns(features, { name: "margins", type: "f64", byteOffset: 8, byteLength: 16 }),
    ],
    [
      "labels of the wrong length",
      () => withColumns(features, { name: "labels", type: "u8", byteOffset: 8, byteLength: 2 }),
    ],
    [
      "a label that is not 0 or 1",
      () => {
        const columns = [features, { name: "labels", type: "u8", byteOffset: 8, byteLength: 1 }];
        return assemble({ ...goodHeader, columns }, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 2));
      },
    ],
    ["an ids column shorter than its offsets", () => withIds(new Uint8Array(7))],
    ["a first id offset that is not 0", () => withIds(idsColumn([1, 1], [0x61]))],
    ["an id offset past the text", () => withIds(idsColumn([0, 2], [0x61]))],
    ["bytes after the last id", () => withIds(idsColumn([0, 1], [0x61, 0x62]))],
    ["an id that is not UTF-8", () => withIds(idsColumn([0, 1], [0xc3]))],
    ["rows too many for the ids offsets", () => assemble({ ...goodHeader, rows: 2 ** 32, featureCount: 0 }, f64)],
  ])("refuses %s", (_, make) => {
    it("with a RowFrameError", () => {
      expect(() => decodeRowFrame(make())).toThrow(RowFrameError);
    });
  });

  it("refuses ids offsets that go backwards", () => {
    const header = {
      ...goodHeader,
      rows: 2,
      featureCount: 0,
      columns: [
        { ...features, byteLength: 0 },
        { name: "ids", type: "utf8", byteOffset: 0, byteLength: 14 },
      ],
    };
    expect(() => decodeRowFrame(assemble(header, idsColumn([0, 2, 1], [0x61, 0x62])))).toThrow(RowFrameError);
    expect(decodeRowFrame(assemble(header, idsColumn([0, 1, 2], [0x61, 0x62]))).ids).toEqual(["a", "b"]);
  });

  describe.each<[string, Partial<RowFrame>]>([
    ["features of the wrong length", { features: new Float64Array(5) }],
    ["ids of the wrong length", { ids: ["a"] }],
    ["an id with a lone surrogate", { ids: ["a", "\uD800", "c"] }],
    ["margins of the wrong length", { margins: new Float64Array(4) }],
    ["labels of the wrong length", { labels: new Uint8Array(2) }],
    ["a label that is not 0 or 1", { labels: Uint8Array.of(0, 1, 2) }],
    ["fractional rows", { rows: 2.5 }],
    ["a negative offset", { offset: -1 }],
    ["an offset whose rows pass 2³² − 1", { offset: 2 ** 32 - 3 }],
  ])("encodeRowFrame refuses %s", (_, change) => {
    it("with a RowFrameError", () => {
      expect(() => encodeRowFrame({ ...scoredFrame(), ...change })).toThrow(RowFrameError);
    });
  });
});

describe("sliceRowFrame", () => {
  it("takes rows [start, end) with their ids and scores, and moves the offset", () => {
    const slice = sliceRowFrame(scoredFrame(), 1, 3);
    expect(slice).toEqual({
      rows: 2,
      offset: 41,
      featureCount: 2,
      features: Float64Array.of(0, -0, 1e300, 5e-324),
      ids: ["", "zé中🙂"],
      margins: Float64Array.of(-1, Number.MAX_VALUE),
      labels: Uint8Array.of(0, 1),
      modelVersion: "v7",
    });
  });

  it("copies, so changing the slice leaves the frame alone", () => {
    const frame = scoredFrame();
    const slice = sliceRowFrame(frame, 0, 2);
    slice.features[0] = 99;
    slice.margins?.fill(7);
    expect(frame).toEqual(scoredFrame());
  });

  it.each([
    [-1, 1],
    [2, 1],
    [0, 4],
    [0.5, 1],
  ])("refuses rows [%d, %d) of a three-row frame", (start, end) => {
    expect(() => sliceRowFrame(scoredFrame(), start, end)).toThrow(RangeError);
  });
});

describe("concatRowFrames", () => {
  it("joins slices back into the frame they were cut from", () => {
    const frame = scoredFrame();
    const parts = [sliceRowFrame(frame, 0, 1), sliceRowFrame(frame, 1, 1), sliceRowFrame(frame, 1, 3)];
    expect(concatRowFrames(parts, 40)).toEqual(frame);
  });

  it("keeps ids when any frame has them, blank for the rows of frames without", () => {
    const frame = scoredFrame();
    const joined = concatRowFrames([{ ...sliceRowFrame(frame, 0, 1), ids: null }, sliceRowFrame(frame, 1, 3)]);
    expect(joined.ids).toEqual(["", "", "zé中🙂"]);
    expect(joined.offset).toBe(0);
  });

  it("refuses frames of another width or model version, and no frames at all", () => {
    const frame = scoredFrame();
    expect(() => concatRowFrames([frame, { ...frame, modelVersion: "v8" }])).toThrow(RangeError);
    expect(() => concatRowFrames([frame, { ...frame, featureCount: 3, features: new Float64Array(9) }])).toThrow(
      RangeError,
    );
    expect(() => concatRowFrames([])).toThrow(RangeError);
  });
});

describe("rowOf and columnsFromRows", () => {
  it("stores feature j of row i at j·n + i and gathers each row back", () => {
    const rows = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const columns = columnsFromRows(rows, 3);
    expect(Array.from(columns)).toEqual([1, 4, 2, 5, 3, 6]);
    const frame: RowFrame = { ...unscoredFrame(), rows: 2, featureCount: 3, features: columns };
    expect([rowOf(frame, 0), rowOf(frame, 1)]).toEqual(rows);
  });

  it("refuses a row of the wrong width and a row index outside the frame", () => {
    expect(() => columnsFromRows([[1, 2], [3]], 2)).toThrow(RangeError);
    expect(() => rowOf(scoredFrame(), 3)).toThrow(RangeError);
  });
});
