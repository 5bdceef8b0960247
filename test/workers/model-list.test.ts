// The registry list reads each version's stored gate and metrics through the contract's schemas
// (PromotionGate, ModelMetrics): a record it can read comes back typed, and one it cannot (a
// corrupt row, a shape from before the schema) comes back as null or without the unreadable part,
// never failing the listing.
import { beforeAll, describe, expect, it } from "vitest";
import type { ModelSummary, PromotionGate } from "../../workers/contract/api.ts";
import { adapters, api, createTenantKey } from "./helpers.ts";

const GATE: PromotionGate = {
  decision: "promoted",
  reason: "challenger 99.00% vs champion 98.00% on the holdout",
  holdoutRows: 300,
  holdoutBaseRows: 120,
  championVersion: "seed-1",
  championAccuracy: 0.98,
  championBaseAccuracy: 0.97,
  challengerAccuracy: 0.99,
  challengerBaseAccuracy: 0.98,
  maxDrop: 0.005,
  floor: 0.8,
};
const EVALUATION = {
  accuracy: 0.99,
  precision: 0.98,
  recall: 0.97,
  f1: 0.975,
  rocAuc: 0.995,
  confusion: { tp: 97, fp: 2, tn: 200, fn: 1 },
  measuredOn: { method: "holdout", rows: 300 },
};
const CALIBRATION = {
  method: "platt",
  a: -2.5,
  b: 0.1,
  measuredOn: { method: "holdout", rows: 300 },
  logLoss: 0.08,
  brier: 0.02,
  reliability: [{ lower: 0, upper: 1, count: 300, meanPredicted: 0.33, observedRate: 0.32 }],
};

let key = "";
let tenantId = "";
beforeAll(async () => {
  ({ key, tenantId } = await createTenantKey(["read", "admin"], { model: false }));
});

/** Stores a registry row with the given metrics and gate texts as they are (no checks). */
async function storeRow(version: string, metrics: string, gate: string | null) {
  const saved = await adapters().models.saveModel(
    {
      tenantId,
      version,
      status: "candidate",
      parentVersion: null,
      checksum: `sha256:${"0".repeat(64)}`,
      featureNames: JSON.stringify(["x"]),
      trainingRows: 10,
      fingerprint: "x",
      metrics,
      gate,
      source: "retrain",
      createdAt: Date.now(),
    },
    "{}",
  );
  if (!saved) throw new Error(`version ${version} was not stored`);
}

async function listed(version: string): Promise<ModelSummary | undefined> {
  const response = await api("/v1/models", { key });
  expect(response.status).toBe(200);
  return (await response.json<{ models: ModelSummary[] }>()).models.find((m) => m.version === version);
}

describe("the registry list's gate and metrics", () => {
  it("gives a retrain's gate and its evaluation with calibration, as stored", async () => {
    await storeRow("good", JSON.stringify({ ...EVALUATION, calibration: CALIBRATION }), JSON.stringify(GATE));
    const model = await listed("good");
    expect(model?.gate).toEqual(GATE);
    expect(model?.metrics).toEqual({ ...EVALUATION, calibration: CALIBRATION });
  });

  it("gives no calibration for a version trained before probabilities were calibrated", async () => {
    await storeRow("uncalibrated", JSON.stringify(EVALUATION), null);
    const model = await listed("uncalibrated");
    expect(model?.metrics).toEqual(EVALUATION);
    expect(model?.gate).toBeNull();
  });

  it("leaves out a calibration it cannot read, keeping the evaluation", async () => {
    await storeRow("odd-calibration", JSON.stringify({ ...EVALUATION, calibration: { method: "isotonic" } }), null);
    expect((await listed("odd-calibration"))?.metrics).toEqual(EVALUATION);
  });

  it.each([
    ["a gate missing its decision", JSON.stringify({ ...GATE, decision: undefined })],
    ["a gate that is not JSON", "{not json"],
    ["a gate that is not an object", "[1,2]"],
  ])("lists a version with %s, its gate null", async (_, gate) => {
    const version = `gate-${crypto.randomUUID().slice(0, 8)}`;
    await storeRow(version, JSON.stringify(EVALUATION), gate);
    const model = await listed(version);
    expect(model?.gate).toBeNull();
    expect(model?.metrics).toEqual(EVALUATION);
  });

  it.each([
    ["metrics without what they were measured on", JSON.stringify({ ...EVALUATION, measuredOn: undefined })],
    ["metrics that are not JSON", "oops"],
    ["empty metrics", "{}"],
  ])("lists a version with %s, its metrics null", async (_, metrics) => {
    const version = `metrics-${crypto.randomUUID().slice(0, 8)}`;
    await storeRow(version, metrics, JSON.stringify(GATE));
    const model = await listed(version);
    expect(model?.metrics).toBeNull();
    expect(model?.gate).toEqual(GATE);
  });
});
