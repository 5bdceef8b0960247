import { describe, expect, it } from "vitest";
import { createRandom } from "../../model/index.ts";
import { shuffleInPlace } from "../../model/random.ts";

const draw = (seed: number, count: number): number[] => {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => random.nextFloat());
};

describe("createRandom", () => {
  it("repeats its sequence for the same seed and changes it for another", () => {
    expect(draw(42, 100)).toEqual(draw(42, 100));
    expect(draw(43, 100)).not.toEqual(draw(42, 100));
  });

  it("draws floats in [0, 1) with a mean near ½", () => {
    const values = draw(1, 20_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
  });

  it("draws standard normals with mean near 0 and variance near 1", () => {
    const random = createRandom(9);
    const values = Array.from({ length: 20_000 }, () => random.nextNormal());
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it("draws every integer below the bound and none above", () => {
    const random = createRandom(3);
    const seen = new Set(Array.from({ length: 1000 }, () => random.nextInt(7)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe("shuffleInPlace", () => {
  it("permutes only the leading entries it is given", () => {
    const items = Uint32Array.from({ length: 10 }, (_, i) => i);
    shuffleInPlace(items, createRandom(5), 6);
    expect([...items.subarray(0, 6)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...items.subarray(0, 6)]).not.toEqual([0, 1, 2, 3, 4, 5]);
    expect([...items.subarray(6)]).toEqual([6, 7, 8, 9]);
  });
});
