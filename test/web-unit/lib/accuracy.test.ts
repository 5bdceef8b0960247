// Which accuracy a version shows and when two compare. The case that asked for this: v4 was
// promoted over v3 at "99.00 % vs 99.00 %" on the gate's holdout, yet listed at 99.00 % against
// v3's 99.33 %, each figure from a holdout of its own, and marked −0.33 points worse.
import { describe, expect, it } from "vitest";
import type { ModelMetrics, ModelSummary, PromotionGate } from "../../../workers/contract/api.ts";
import { accuracyOf, compareAccuracy, latestHoldout } from "../../../web/src/lib/accuracy.ts";

type Version = Pick<ModelSummary, "version" | "metrics" | "holdout" | "gate">;

const RUN = "run_latest";
const holdout = (accuracy: number, runId = RUN, measuredAt = "2026-12-02T10:00:00.000Z") => ({
  accuracy,
  rows: 300,
  runId,
  measuredAt,
});
const promotedOver = (champion: string, maxDrop = 0.005): PromotionGate => ({
  decision: "promoted",
  reason: "challenger 99.00% vs champion 99.00% on the holdout",
  holdoutRows: 300,
  holdoutBaseRows: 120,
  championVersion: champion,
  championAccuracy: 0.99,
  championBaseAccuracy: 0.99,
  challengerAccuracy: 0.99,
  challengerBaseAccuracy: 0.99,
  maxDrop,
  floor: 0.8,
});
const trained = (accuracy: number, measuredOn: ModelMetrics["measuredOn"]): ModelMetrics => ({
  accuracy,
  precision: accuracy,
  recall: accuracy,
  f1: accuracy,
  rocAuc: null,
  confusion: { tp: 0, fp: 0, tn: 0, fn: 0 },
  measuredOn,
});
const v3: Version = {
  version: "v3",
  metrics: trained(0.9933, { method: "holdout", rows: 300 }),
  holdout: holdout(0.99),
  gate: promotedOver("v2"),
};
const v4: Version = {
  version: "v4",
  metrics: trained(0.99, { method: "holdout", rows: 280 }),
  holdout: holdout(0.99),
  gate: promotedOver("v3"),
};
const seed: Version = {
  version: "seed-1",
  metrics: trained(0.985, { method: "kfold", folds: 5 }),
  holdout: null,
  gate: null,
};

describe("the accuracy shown for a version", () => {
  it("is the latest holdout's, with its rows, when the latest retrain measured it", () => {
    expect(accuracyOf(v3, latestHoldout([v3, v4]))).toMatchObject({
      value: 0.99,
      basis: "latest",
      short: "latest holdout, 300 rows",
      measuredOn: "on the latest holdout, 300 rows",
    });
  });

  it("falls back to the accuracy recorded when trained, saying what it was measured on", () => {
    expect(accuracyOf(seed, null)).toMatchObject({
      value: 0.985,
      basis: "trained",
      runId: null,
      short: "5-fold CV, when trained",
      measuredOn: "when trained, on 5-fold cross-validation",
    });
    expect(accuracyOf({ ...v3, holdout: null }, null).measuredOn).toBe("when trained, on its own holdout of 300 rows");
  });

  it("shows no accuracy, measured on an unknown method, for a version whose figures could not be read", () => {
    expect(accuracyOf({ ...seed, metrics: null }, null)).toMatchObject({
      value: null,
      basis: "trained",
      short: "unknown, when trained",
      measuredOn: "when trained, on an unknown method",
    });
  });

  it("says so when the holdout is an earlier run's", () => {
    const older = { ...v3, holdout: holdout(0.98, "run_old", "2026-12-01T10:00:00.000Z") };
    expect(latestHoldout([older, v4])?.runId).toBe(RUN);
    expect(accuracyOf(older, latestHoldout([older, v4]))).toMatchObject({ basis: "earlier", runId: "run_old" });
  });

  it("has no latest holdout before any retrain measured one", () => {
    expect(latestHoldout([seed])).toBeNull();
  });
});

describe("comparing two versions by accuracy", () => {
  const latest = latestHoldout([v3, v4]);

  it("does not mark a promoted version worse than the one it beat (the v3/v4 case)", () => {
    expect(compareAccuracy(v3, v4, latest)).toMatchObject({ delta: 0, tone: null, note: null });
  });

  it("compares versions measured on the same holdout", () => {
    const better = { ...v4, holdout: holdout(0.995) };
    expect(compareAccuracy(v3, better, latest)).toMatchObject({ tone: "better", note: null });
    expect(compareAccuracy(better, v3, latest)).toMatchObject({ tone: "worse", note: null });
  });

  it("does not call a drop the gate allowed a regression, and says why", () => {
    const slightlyLower = { ...v4, holdout: holdout(0.987) };
    const change = compareAccuracy(v3, slightlyLower, latest);
    expect(change.delta).toBeCloseTo(-0.003);
    expect(change.tone).toBeNull();
    expect(change.note).toBe("v4 replaced v3: the gate promotes a challenger up to 0.50 points below the champion.");
  });

  it("marks a drop beyond what the gate allowed as worse", () => {
    expect(compareAccuracy(v3, { ...v4, holdout: holdout(0.98) }, latest).tone).toBe("worse");
  });

  it.each([
    ["one was never measured on a shared holdout", seed, v4],
    ["they were measured by different runs", { ...v3, holdout: holdout(0.9933, "run_old") }, v4],
  ])("gives no change when %s", (_, a, b) => {
    expect(compareAccuracy(a, b, latest)).toMatchObject({
      delta: null,
      tone: null,
      note: `${a.version} and ${b.version} were not measured on the same rows, so their accuracies are not compared.`,
    });
  });
});
