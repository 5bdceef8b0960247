// Wilson's score interval against published figures, and its behaviour at the edges.
import { describe, expect, it } from "vitest";
import { wilsonInterval } from "../../model/interval.ts";

describe("wilsonInterval", () => {
  it("matches the textbook 95% interval for 8 of 10 (0.490–0.943)", () => {
    const interval = wilsonInterval(8, 10);
    expect(interval?.low).toBeCloseTo(0.4902, 4);
    expect(interval?.high).toBeCloseTo(0.9433, 4);
  });

  it("gives a wide interval for a single labelled row, never a point", () => {
    const wrong = wilsonInterval(0, 1);
    expect(wrong?.low).toBe(0);
    expect(wrong?.high).toBeCloseTo(0.7935, 4);
    const right = wilsonInterval(1, 1);
    expect(right?.low).toBeCloseTo(0.2065, 4);
    expect(right?.high).toBe(1);
  });

  it("narrows as rows grow and stays inside [0, 1]", () => {
    const width = (k: number, n: number) => {
      const interval = wilsonInterval(k, n);
      return interval ? interval.high - interval.low : NaN;
    };
    expect(width(9_500, 10_000)).toBeLessThan(width(95, 100));
    for (const [k, n] of [
      [0, 5],
      [5, 5],
      [1, 1_000_000],
    ] as const) {
      const { low, high } = wilsonInterval(k, n) ?? { low: NaN, high: NaN };
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
      expect(low).toBeLessThanOrEqual(k / n);
      expect(high).toBeGreaterThanOrEqual(k / n);
    }
  });

  it("has no interval without rows, and refuses impossible counts", () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
  });
});
