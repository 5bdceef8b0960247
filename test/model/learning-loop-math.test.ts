import { describe, expect, it } from "vitest";
import { computePsi, decidePromotion, hashKey, isHoldout, rowKey } from "../../model/index.ts";

describe("the deterministic holdout", () => {
  it("hashes with FNV-1a (known answers)", () => {
    expect(hashKey("")).toBe(0x811c9dc5);
    expect(hashKey("a")).toBe(0xe40c292c);
    expect(hashKey("foobar")).toBe(0xbf9cf968);
  });

  it("puts about one row in five in the holdout, the same rows every time", () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => rowKey([i * 0.37, -i, i % 7]));
    const held = keys.filter((k) => isHoldout(k));
    expect(held.length / keys.length).toBeGreaterThan(0.18);
    expect(held.length / keys.length).toBeLessThan(0.22);
    expect(keys.filter((k) => isHoldout(k))).toEqual(held);
  });
});

describe("the promotion gate", () => {
  const gate = (
    champion: { all: number; base: number | null } | null,
    challenger: { all: number; base: number | null },
  ) => decidePromotion({ champion, challenger, maxDrop: 0.005, floor: 0.8 });

  it("promotes a challenger that is as good or better", () => {
    expect(gate({ all: 0.95, base: 0.96 }, { all: 0.96, base: 0.96 }).promote).toBe(true);
    expect(gate({ all: 0.95, base: 0.96 }, { all: 0.946, base: 0.958 }).promote).toBe(true);
  });

  it("rejects a challenger worse than the champion by more than the allowed drop", () => {
    const decision = gate({ all: 0.95, base: 0.96 }, { all: 0.94, base: 0.96 });
    expect(decision.promote).toBe(false);
    expect(decision.reason).toMatch(/worse than champion/);
  });

  it("rejects a challenger that gains on the whole holdout but loses on the trusted base rows (poisoned labels)", () => {
    const decision = gate({ all: 0.7, base: 0.99 }, { all: 0.9, base: 0.6 });
    expect(decision.promote).toBe(false);
    expect(decision.reason).toMatch(/trusted base rows/);
  });

  it("rejects anything below the floor, even with no champion", () => {
    expect(gate(null, { all: 0.75, base: null }).promote).toBe(false);
    expect(gate(null, { all: 0.85, base: null }).promote).toBe(true);
  });
});

describe("population stability (drift)", () => {
  const deciles = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

  it("is near zero for values spread like the training data", () => {
    const values = Array.from({ length: 1000 }, (_, i) => i / 10 + 0.05);
    expect(computePsi(deciles, values)).toBeLessThan(0.01);
  });

  it("grows past the threshold when values crowd into one end", () => {
    const shifted = Array.from({ length: 1000 }, (_, i) => 85 + (i % 30));
    expect(computePsi(deciles, shifted)).toBeGreaterThan(0.25);
  });

  it("is zero with no recent values", () => {
    expect(computePsi(deciles, [])).toBe(0);
  });
});
