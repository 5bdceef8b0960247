// A live accuracy always comes with its sample size and interval; a handful of labels is flagged.
import { describe, expect, it } from "vitest";
import { describeLive } from "../../../web/src/lib/live-accuracy.ts";

describe("describeLive", () => {
  it("says one wrong label is one labelled row with a wide interval, and too few to judge", () => {
    const live = describeLive(0, 1);
    expect(live.value).toBe(0);
    expect(live.basis).toBe("1 labelled row, 95% interval 0.0%–79.3%");
    expect(live.caveat).toMatch(/^Only 1 labelled row so far: too few/);
  });

  it("uses the plural and drops the caveat once there are enough labels", () => {
    expect(describeLive(2, 2).basis).toMatch(/^2 labelled rows, /);
    const many = describeLive(95, 100);
    expect(many.caveat).toBeNull();
    expect(many.interval?.low).toBeGreaterThan(0.88);
    expect(many.interval?.high).toBeLessThan(0.98);
  });

  it("has no value and no interval before any label", () => {
    expect(describeLive(0, 0)).toMatchObject({ value: null, interval: null, caveat: null, basis: "0 labelled rows" });
  });
});
