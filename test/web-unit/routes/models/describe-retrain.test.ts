// What the Retrain button says after a run: each outcome in words, and a run still going on in
// its Workflow named by its id, with where its outcome will appear.
import { describe, expect, it } from "vitest";
import { describeRetrain } from "../../../../web/src/routes/models/models.ts";
import { describeWork } from "../../../../web/src/lib/runs.ts";

describe("describeRetrain", () => {
  it("says a run that outlived the wait is still running, and where its outcome will show", () => {
    const said = describeRetrain({ runId: "run_abc", status: "running" });
    expect(said.text).toContain("still running");
    expect(said.text).toContain("run_abc");
    expect(said.text).toContain("Training runs");
    expect(said.tone).toBe("");
  });

  it("names the promoted version and the gate's reason", () => {
    const said = describeRetrain({ runId: "r", status: "promoted", challengerVersion: "v7", reason: "better" });
    expect(said).toEqual({ tone: "ok", text: "Promoted v7, which is the champion now. Gate: better." });
  });

  it("says why a run failed", () => {
    expect(describeRetrain({ runId: "r", status: "failed", reason: "no base dataset" }).tone).toBe("bad");
  });
});

describe("describeWork", () => {
  it("gives a run's sizes and its slowest step, singular where there is one", () => {
    const work = {
      trainRows: 799_425,
      holdoutRows: 200_575,
      shards: 40,
      passes: 4,
      steps: 84,
      maxStepMs: 2840,
      durationMs: 88_000,
    };
    expect(describeWork(work)).toBe("799,425 train rows · 40 shards · 4 passes · 84 steps, slowest 2.8 s");
    expect(describeWork({ ...work, trainRows: 1, shards: 1, passes: 1, steps: 1 })).toBe(
      "1 train row · 1 shard · 1 pass · 1 step, slowest 2.8 s",
    );
  });
});
