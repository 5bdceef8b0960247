// The data plane at scale: what a batch costs D1 (rows written, from D1's own meta), rollups
// counted exactly once under redelivery, labels that replace labels without double counting,
// and metrics that read rollups rather than rows.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../workers/http/app.ts";
import { meterEnv, readMeter, resetMeter } from "../../workers/adapters/meter/index.ts";
import type { FeedbackEvent } from "../../workers/contract/messages.ts";
import { api, createTenantKey, deliver, ensureModel, gzipJson, makeRows, newBatch, scoreJobs } from "./helpers.ts";
import { countingD1 } from "./counting-d1.ts";
import { recordingEnv } from "./recording-env.ts";

beforeAll(async () => {
  await ensureModel();
});

interface Metrics {
  liveAccuracy: { modelVersion: string; labelled: number; correct: number }[];
  volume: { batches24h: number; rows24h: number; feedback24h: number; latencyMsP50: number | null };
  drift: { rows: number; features: { psi: number }[] };
}

const metricsOf = async (key: string) => (await api("/v1/metrics", { key })).json<Metrics>();

describe("what a batch costs D1", () => {
  it("writes at most 20 D1 rows for a 10,000-row batch, from POST to published result", async () => {
    const { key } = await createTenantKey();
    const recording = recordingEnv();
    const metered = meterEnv(recording.env) as typeof env;
    const body = gzipJson({ features: makeRows(10_000, 4, 11) });
    // Warm the model and key caches, so the figure is a batch's, not a cold isolate's.
    const post = () =>
      createApp().fetch(
        new Request("http://edge-svm.test/v1/batches", {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-encoding": "gzip" },
          body,
        }),
        metered,
        createExecutionContext(),
      );
    expect((await post()).status).toBe(202);
    resetMeter();
    recording.sent.length = 0;
    expect((await post()).status).toBe(202);
    const jobs = recording.sent.filter((m) => m.queue === "score-jobs").map((m) => m.body);
    expect(jobs).toHaveLength(1);
    expect((await deliver("score-jobs", jobs, metered)).explicitAcks).toEqual(["m0"]);
    const { d1, r2, durableObjects } = readMeter();
    expect(durableObjects.requests).toBe(1);
    expect(d1.withoutMeta).toBe(0);
    expect(d1.rowsWritten).toBeGreaterThan(0);
    expect(d1.rowsWritten).toBeLessThanOrEqual(20);
    // The rows went to R2: one input frame and one scores frame.
    expect(r2.classA).toBe(2);
    const { batchId } = recording.sent[0].body as { batchId: string };
    expect((await api(`/v1/batches/${batchId}`, { key })).status).toBe(200);
    expect((await (await api(`/v1/batches/${batchId}`, { key })).json<{ status: string }>()).status).toBe("complete");
  });
});

describe("rollups under at-least-once delivery", () => {
  it("counts a batch once however often its last chunk is delivered", async () => {
    const { key, tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 6, 2);
    const [first, last] = scoreJobs(batch);
    await deliver("score-jobs", [first]);
    // Two copies of the last chunk at once: both find the batch pending, both complete it.
    await deliver("score-jobs", [last, last]);
    await deliver("score-jobs", [first]);
    const metrics = await metricsOf(key);
    expect(metrics.volume).toMatchObject({ batches24h: 1, rows24h: 6 });
    expect(metrics.volume.latencyMsP50).not.toBeNull();
    expect(metrics.drift.rows).toBe(6);
  });

  it("counts a label once, takes it back when a later label replaces it, and ignores a stale one", async () => {
    const { key, tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 2, 1);
    await deliver("score-jobs", scoreJobs(batch));
    const said = (await (await api(`/v1/batches/${batch.id}`, { key })).json<{ predictions: { label: 0 | 1 }[] }>())
      .predictions;
    const event = (labels: (0 | 1)[], labelledAt: number): FeedbackEvent => ({
      kind: "feedback",
      tenantId,
      batchId: batch.id,
      rows: [0, 1],
      labels,
      source: "api",
      labelledAt,
    });
    const agree = said.map((p) => p.label);
    const disagree = said.map((p) => (p.label === 1 ? 0 : 1) as 0 | 1);
    const accuracy = async () =>
      (await metricsOf(key)).liveAccuracy.map(({ labelled, correct }) => ({ labelled, correct }));

    await deliver("feedback-events", [event(agree, 1_000)]);
    expect(await accuracy()).toEqual([{ labelled: 2, correct: 2 }]);
    await deliver("feedback-events", [event(agree, 1_000)]); // redelivered
    expect(await accuracy()).toEqual([{ labelled: 2, correct: 2 }]);
    await deliver("feedback-events", [event(disagree, 2_000)]); // people changed their minds
    expect(await accuracy()).toEqual([{ labelled: 2, correct: 0 }]);
    await deliver("feedback-events", [event(agree, 1_500)]); // a stale label arriving late
    expect(await accuracy()).toEqual([{ labelled: 2, correct: 0 }]);
  });
});

describe("GET /v1/metrics", () => {
  it("reads the rollups and the runs, never the batches or the labels themselves", async () => {
    const { key, tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 3, 1);
    await deliver("score-jobs", scoreJobs(batch));
    const counting = countingD1(env.DB);
    const response = await createApp().fetch(
      new Request("http://edge-svm.test/v1/metrics", { headers: { authorization: `Bearer ${key}` } }),
      { ...env, DB: counting.db },
      createExecutionContext(),
    );
    expect(response.status).toBe(200);
    expect(counting.statements.some((s) => /\bfrom\s+"?rollups"?/i.test(s))).toBe(true);
    expect(counting.statements.filter((s) => /\bfrom\s+"?(batches|feedback)"?/i.test(s))).toEqual([]);
  });
});
