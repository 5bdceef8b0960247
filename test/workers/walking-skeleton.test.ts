import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index.ts";
import type { ScoreJob } from "../../workers/contract/messages.ts";
import {
  adapters,
  api,
  createTenantKey,
  ensureModel,
  makeRows,
  newBatch,
  postBatch,
  scoreJobs,
  storedPredictions,
} from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

beforeAll(async () => {
  await ensureModel();
});

describe("the walking skeleton", () => {
  it("reports the build version on /v1/health without a key, and nothing about any tenant's model", async () => {
    const response = await api("/v1/health");
    expect(response.status).toBe(200);
    const body = await response.json<Record<string, unknown>>();
    expect(body).toEqual({ status: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it("scores a gzip batch through the real queue and serves it back from KV", async () => {
    const { key, tenantId } = await createTenantKey();
    const rows = makeRows(30);
    const posted = await postBatch(key, { features: rows });
    expect(posted.status).toBe(202);
    const { batchId, statusUrl } = await posted.json<{ batchId: string; statusUrl: string }>();
    expect(statusUrl).toBe(`/v1/batches/${batchId}`);

    const result = await vi.waitFor(
      async () => {
        const body = await (
          await api(statusUrl, { key })
        ).json<{ status: string; predictions: { row: number; modelVersion: string }[] }>();
        if (body.status !== "complete") throw new Error(`still ${body.status}`);
        return body;
      },
      { timeout: 5000, interval: 20 },
    );
    expect(result.predictions.map((p) => p.row)).toEqual(rows.map((_, i) => i));
    expect(new Set(result.predictions.map((p) => p.modelVersion))).toEqual(new Set(["seed-1"]));
    const cached = await vi.waitFor(async () => {
      const entry = await adapters().results.getResult(batchId);
      if (!entry) throw new Error("not in KV yet");
      return entry;
    });
    expect(cached.tenantId).toBe(tenantId);
    expect(cached.result.predictions).toHaveLength(30);
  });

  it("writes R2, D1 and KV when the consumer is handed a chunk directly, and acks it", async () => {
    const { tenantId } = await createTenantKey();
    const store = adapters().batches;
    const batch = await newBatch(tenantId, 3, 1);
    const job: ScoreJob = scoreJobs(batch)[0];
    const messages = createMessageBatch("score-jobs", [{ id: "m1", timestamp: new Date(), attempts: 1, body: job }]);
    const ctx = createExecutionContext();
    await worker.queue(messages, env, ctx);
    const outcome = await getQueueResult(messages, ctx);
    expect(outcome.outcome).toBe("ok");
    expect(outcome.explicitAcks).toEqual(["m1"]);
    expect(outcome.retryMessages).toEqual([]);
    expect((await store.getBatch(batch.id))?.status).toBe("complete");
    expect(await storedPredictions(tenantId, batch.id)).toHaveLength(3);
    expect((await adapters().results.getResult(batch.id))?.result.status).toBe("complete");
  });

  it("runs the cron handler, which queues no retraining for a tenant without new feedback", async () => {
    const { tenantId } = await createTenantKey();
    const recording = recordingEnv();
    const controller = createScheduledController({ scheduledTime: new Date(), cron: "*/15 * * * *" });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, recording.env, ctx);
    await waitOnExecutionContext(ctx);
    const queued = recording.sent
      .filter((m) => m.queue === "retrain-jobs")
      .map((m) => (m.body as { tenantId: string }).tenantId);
    expect(queued).not.toContain(tenantId);
    const runs = await env.DB.prepare(
      "SELECT count(*) AS n FROM training_runs WHERE tenant_id = ? AND trigger = 'cron'",
    )
      .bind(tenantId)
      .first();
    expect(runs).toEqual({ n: 0 });
  });

  it("answers an unknown API path with the JSON error body and a 404", async () => {
    const missing = await exports.default.fetch(new Request("http://edge-svm.test/v1/nope"));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});

describe("GET /v1/me", () => {
  it("tells a key's tenant, id, scopes and model, and refuses a missing key", async () => {
    const { key, tenant } = await createTenantKey(["read", "feedback"]);
    const response = await api("/v1/me", { key });
    expect(response.status).toBe(200);
    const body = await response.json<{
      tenant: string;
      keyId: string;
      scopes: string[];
      model: { active: boolean; version: string; featureNames: string[] };
    }>();
    expect(body).toMatchObject({ tenant, scopes: ["read", "feedback"], model: { active: true, version: "seed-1" } });
    expect(body.model.featureNames).toHaveLength(4);
    expect(key).toContain(body.keyId);
    expect((await api("/v1/me")).status).toBe(401);
  });
});
