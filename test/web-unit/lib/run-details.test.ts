// A run's free-form details read as typed figures, and old runs without them read as none.
import { describe, expect, it } from "vitest";
import { figuresOf, gateOfRun, stepKinds, stepTimesOf } from "../../../web/src/lib/run-details.ts";

const details = {
  trainRows: 1207,
  maxStepMs: 29,
  converged: true,
  gate: {
    decision: "promoted",
    reason: "fine",
    holdoutRows: 348,
    holdoutBaseRows: 294,
    championVersion: "seed-1",
    championAccuracy: 0.99,
    championBaseAccuracy: 0.99,
    challengerAccuracy: 0.995,
    challengerBaseAccuracy: 0.99,
    maxDrop: 0.005,
    floor: 0.5,
  },
  stepTimes: [
    { name: "plan", ms: 3, cpuMs: null },
    { name: "train: pass 1", ms: 10, cpuMs: null },
    { name: "train: pass 2", ms: 12, cpuMs: null },
    { name: 42, ms: "x" },
  ],
};

describe("run details", () => {
  it("reads the gate's figures, and none for a run that never reached the gate", () => {
    expect(gateOfRun({ details })).toMatchObject({
      decision: "promoted",
      challengerAccuracy: 0.995,
      holdoutRows: 348,
    });
    expect(gateOfRun({ details: null })).toBeNull();
    // A gate recorded in another shape reads as none rather than as half-filled figures.
    expect(gateOfRun({ details: { gate: { decision: "promoted" } } })).toBeNull();
  });

  it("keeps well-formed step times and groups them by kind, slowest first", () => {
    const steps = stepTimesOf({ details });
    expect(steps).toHaveLength(3);
    expect(stepKinds(steps)).toEqual([
      { name: "train", count: 2, ms: 22 },
      { name: "plan", count: 1, ms: 3 },
    ]);
  });

  it("lists the scalar figures, formatted, without the gate or the steps", () => {
    expect(figuresOf({ details })).toEqual([
      ["train rows", "1,207"],
      ["max step (ms)", "29"],
      ["converged", "true"],
    ]);
  });
});
