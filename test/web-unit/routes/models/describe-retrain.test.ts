// What the Retrain button says after a run: each outcome in words, and a run still going on in
// its Workflow named by its id, with where its outcome will appear.
import { describe, expect, it } from "vitest";
import { describeRetrain } from "../../../../web/src/routes/models/models.ts";

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
