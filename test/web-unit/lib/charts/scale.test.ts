// Axes fit the data: close accuracies get a narrow axis, bars keep 0, a single value sits inside.
import { describe, expect, it } from "vitest";
import { fitDomain, niceStep, percentOf, ticksOf } from "../../../../web/src/lib/charts/scale.ts";

describe("chart scales", () => {
  it("fits two close accuracies on a narrow axis rather than 0–100 %", () => {
    const domain = fitDomain([0.9966, 0.9916], { floor: 0, ceiling: 1 });
    expect(domain[0]).toBeGreaterThanOrEqual(0.99);
    expect(domain[1]).toBeGreaterThanOrEqual(0.9966);
    expect(domain[1]).toBeLessThanOrEqual(1);
    expect(percentOf(0.9966, domain) - percentOf(0.9916, domain)).toBeGreaterThan(20);
  });

  it("widens to 0 when a live accuracy is 0 %, so the mark is drawn at the axis start", () => {
    expect(fitDomain([0, 0.99], { floor: 0, ceiling: 1 })).toEqual([0, 1]);
    expect(percentOf(0, [0, 1])).toBe(0);
  });

  it("keeps 0 for bars and puts a lone value inside the axis", () => {
    expect(fitDomain([40, 75], { zero: true })[0]).toBe(0);
    const [lo, hi] = fitDomain([0.5]);
    expect(lo).toBeLessThan(0.5);
    expect(hi).toBeGreaterThan(0.5);
    expect(fitDomain([])).toEqual([0, 1]);
  });

  it("ticks at 1, 2 or 5 × 10^k steps across the domain, ends included", () => {
    expect(niceStep(1, 4)).toBe(0.5);
    expect(ticksOf([0.99, 1], 4)).toEqual([0.99, 0.995, 1]);
    expect(ticksOf([0, 100], 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(ticksOf([0, 0.3], 3)).toEqual([0, 0.1, 0.2, 0.3]);
  });
});
