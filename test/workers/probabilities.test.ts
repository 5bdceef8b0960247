// Every prediction carries a calibrated probability beside its margin: from the scoring version's
// Platt scaling, in [0, 1], rising with the margin, the same in a batch result and in /v1/predict;
// a retrained version is calibrated on its own holdout and shows log-loss, Brier and bins.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { api, createTenantKey, ensureModel, makeRows, postBatch } from "./helpers.ts";
import type { ModelDetail } from "../../workers/contract/api.ts";
import { generateDemoData } from "../../model/index.ts";

beforeAll(async () => {
  await ensureModel();
});

interface Scored {
  margin: number;
  probability: number | null;
}

const json = { "content-type": "application/json" };

async function batchOf(key: string, features: number[][]): Promise<Scored[]> {
  const { batchId } = await (await postBatch(key, { features })).json<{ batchId: string }>();
  return vi.waitFor(
    async () => {
      const body = await (
        await api(`/v1/batches/${batchId}`, { key })
      ).json<{ status: string; predictions: Scored[] }>();
      if (body.status !== "complete") throw new Error(body.status);
      return body.predictions;
    },
    { timeout: 10_000, interval: 20 },
  );
}

describe("calibrated probabilities", () => {
  it("come with every prediction, in [0, 1], rising with the margin, the same from a batch and from /v1/predict", async () => {
    const { key } = await createTenantKey();
    const rows = makeRows(40, 4, 91);
    const fromBatch = await batchOf(key, rows);
    const predicted = await (
      await api("/v1/predict", { method: "POST", key, headers: json, body: JSON.stringify({ features: rows }) })
    ).json<{ predictions: Scored[] }>();
    expect(predicted.predictions.map((p) => p.probability)).toEqual(fromBatch.map((p) => p.probability));
    const sorted = [...fromBatch].sort((a, b) => a.margin - b.margin);
    for (const [i, p] of sorted.entries()) {
      expect(p.probability).not.toBeNull();
      expect(p.probability).toBeGreaterThanOrEqual(0);
      expect(p.probability).toBeLessThanOrEqual(1);
      if (i > 0) expect(p.probability).toBeGreaterThanOrEqual(sorted[i - 1].probability ?? 0);
    }
    // Confident rows of the seed model are near certain either way.
    expect(sorted[0].probability).toBeLessThan(0.05);
    expect(sorted.at(-1)?.probability).toBeGreaterThan(0.95);
  });

  it("are fitted on the holdout of a retrain, and the model shows log-loss, Brier and reliability bins", async () => {
    const { key } = await createTenantKey();
    const data = generateDemoData({ rows: 120, seed: 77 });
    const d = data.featureNames.length;
    const features = Array.from({ length: 120 }, (_, i) => Array.from(data.x.subarray(i * d, i * d + d)));
    const scored = await batchOf(key, features);
    expect(scored).toHaveLength(120);
    const { batchId } = await (
      await api("/v1/batches?limit=1", { key })
    )
      .json<{ batches: { batchId: string }[] }>()
      .then((list) => list.batches[0]);
    await api(`/v1/batches/${batchId}/feedback`, {
      method: "POST",
      key,
      headers: json,
      body: JSON.stringify({ rows: features.map((_, i) => i), labels: Array.from(data.y) }),
    });
    const outcome = await vi.waitFor(
      async () => {
        const response = await api("/v1/models/retrain", {
          method: "POST",
          key,
          headers: json,
          body: '{"force":true}',
        });
        const body = await response.json<{
          status: string;
          challengerVersion?: string;
          details?: { feedbackRows: number };
        }>();
        if ((body.details?.feedbackRows ?? 0) < 120) throw new Error("labels not recorded yet");
        return body;
      },
      { timeout: 10_000, interval: 100 },
    );
    const detail = await (await api(`/v1/models/${outcome.challengerVersion}`, { key })).json<ModelDetail>();
    expect(detail.calibration).toMatchObject({ method: "platt", measuredOn: { method: "holdout" } });
    expect(detail.calibration?.logLoss).toBeGreaterThanOrEqual(0);
    expect(detail.calibration?.brier).toBeLessThan(0.25);
    expect(detail.calibration?.reliability).toHaveLength(10);
    const summary = await (
      await api("/v1/models", { key })
    ).json<{ models: { version: string; metrics: Record<string, unknown> }[] }>();
    const listed = summary.models.find((m) => m.version === outcome.challengerVersion);
    expect(listed?.metrics.calibration).toEqual(detail.calibration);
  });
});
