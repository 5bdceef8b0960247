import { describe, expect, it } from "vitest";
import { applyScaler, fitScaler } from "../../model/index.ts";

// Three columns: 1..4, a constant, and −2, 0, 2, 4.
const x = Float64Array.from([1, 5, -2, 2, 5, 0, 3, 5, 2, 4, 5, 4]);

describe("fitScaler", () => {
  it("stores column means and population standard deviations", () => {
    const scaler = fitScaler(x, 3);
    expect(scaler.mean).toEqual([2.5, 5, 1]);
    expect(scaler.scale[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(scaler.scale[2]).toBeCloseTo(Math.sqrt(5), 12);
  });

  it("gives a zero-variance feature scale 1", () => {
    expect(fitScaler(x, 3).scale[1]).toBe(1);
  });
});

describe("applyScaler", () => {
  it("returns a standardised copy with mean 0 and unit variance per column", () => {
    const z = applyScaler(x, fitScaler(x, 3));
    expect(z[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 12);
    expect(z[1]).toBe(0);
    const column = [z[2], z[5], z[8], z[11]];
    expect(column.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    expect(column.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 12);
    expect(x[0]).toBe(1);
  });
});
