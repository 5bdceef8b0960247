import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index.ts";
import { createApp } from "../../workers/http/app.ts";
import { generateDemoData } from "../../model/index.ts";
import { refreshChampionSoon } from "../../workers/services/serving-model.ts";
import { adapters, api, createTenantKey, ensureModel, postBatch, publishCopy, saveRawModel } from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

interface Result {
  batchId: string;
  status: string;
  predictions: { row: number; label: number; modelVersion: string }[];
}

/** Labelled demo-like rows the model has not seen (another seed than the base data). */
function labelledRows(rows: number, seed: number) {
  const data = generateDemoData({ rows, seed });
  const d = data.featureNames.length;
  return {
    features: Array.from({ length: rows }, (_, i) => Array.from(data.x.subarray(i * d, i * d + d))),
    labels: Array.from(data.y, (y) => (y === 1 ? 1 : 0) as 0 | 1),
  };
}

async function submitAndWait(key: string, features: number[][]): Promise<Result> {
  const { batchId } = await (await postBatch(key, { features })).json<{ batchId: string }>();
  return vi.waitFor(
    async () => {
      const body = await (await api(`/v1/batches/${batchId}`, { key })).json<Result>();
      if (body.status !== "complete") throw new Error(body.status);
      return body;
    },
    { timeout: 10_000, interval: 20 },
  );
}

const feedbackCount = async (batchId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM feedback WHERE batch_id = ?").bind(batchId).first<{ n: number }>())
    ?.n ?? 0;

async function sendFeedback(key: string, batchId: string, body: unknown, headers: Record<string, string> = {}) {
  return api(`/v1/batches/${batchId}/feedback`, {
    method: "POST",
    key,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function champion(tenantId: string): Promise<string | undefined> {
  return (await adapters().models.findChampion(tenantId))?.version;
}

beforeAll(async () => {
  await ensureModel();
});

describe("the learning loop", () => {
  it("scores, takes corrections, retrains on cron, promotes, and scores the next batch with the new version", async () => {
    const { key, tenantId } = await createTenantKey();
    const before = await champion(tenantId);
    const { features, labels } = labelledRows(60, 99);
    const batch = await submitAndWait(key, features);
    expect(new Set(batch.predictions.map((p) => p.modelVersion))).toEqual(new Set([before]));

    const response = await sendFeedback(
      key,
      batch.batchId,
      { rows: features.map((_, i) => i), labels },
      { "x-client": "dashboard" },
    );
    expect(response.status).toBe(202);
    await vi.waitFor(async () => expect(await feedbackCount(batch.batchId)).toBe(60), { timeout: 5000, interval: 20 });
    const sources = await env.DB.prepare("SELECT DISTINCT source FROM feedback WHERE batch_id = ?")
      .bind(batch.batchId)
      .all();
    expect(sources.results).toEqual([{ source: "dashboard" }]);

    // The cron queues one retrain job per tenant with enough new labels; the job runs it.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/15 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const run = await vi.waitFor(
      async () => {
        const found = await env.DB.prepare(
          "SELECT * FROM training_runs WHERE trigger = 'cron' AND tenant_id = ? AND status != 'running' ORDER BY started_at DESC LIMIT 1",
        )
          .bind(tenantId)
          .first<{ status: string; challenger_version: string; details: string }>();
        if (!found) throw new Error("no finished cron run yet");
        return found;
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(run?.status).toBe("promoted");
    const details = JSON.parse(run?.details ?? "{}");
    expect(details.feedbackRows).toBeGreaterThanOrEqual(60);
    expect(details.gate.challengerAccuracy).toBeGreaterThan(0.9);
    const promoted = run?.challenger_version;
    expect(await champion(tenantId)).toBe(promoted);
    // The run was a Workflow of several checkpointed steps, and says what it did.
    const metrics = await (
      await api("/v1/metrics", { key })
    ).json<{
      runs: { challengerVersion: string | null; work: Record<string, number> | null }[];
    }>();
    const work = metrics.runs.find((r) => r.challengerVersion === promoted)?.work;
    expect(work).toMatchObject({
      trainRows: details.trainRows,
      shards: expect.any(Number),
      passes: expect.any(Number),
    });
    expect(work?.steps).toBeGreaterThan(5);

    refreshChampionSoon(tenantId);
    const next = await submitAndWait(key, labelledRows(5, 100).features);
    expect(new Set(next.predictions.map((p) => p.modelVersion))).toEqual(new Set([promoted]));
    const models = await (
      await api("/v1/models", { key })
    ).json<{ models: { version: string; champion: boolean; parentVersion: string | null; gate: unknown }[] }>();
    const entry = models.models.find((m) => m.version === promoted);
    expect(entry).toMatchObject({ champion: true, parentVersion: before });
    expect(entry?.gate).toMatchObject({ decision: "promoted" });
  });

  it("rejects a challenger trained on poisoned labels, and the champion keeps serving", async () => {
    const { key, tenantId } = await createTenantKey();
    const before = await champion(tenantId);
    const { features, labels } = labelledRows(1500, 7);
    const zeros = features.filter((_, i) => labels[i] === 0).slice(0, 800);
    const batch = await submitAndWait(key, zeros);
    // An attacker marks every class-0 row as class 1.
    const response = await sendFeedback(key, batch.batchId, {
      rows: zeros.map((_, i) => i),
      labels: zeros.map(() => 1),
    });
    expect(response.status).toBe(202);
    await vi.waitFor(async () => expect(await feedbackCount(batch.batchId)).toBe(zeros.length), {
      timeout: 10_000,
      interval: 50,
    });

    const retrain = await api("/v1/models/retrain", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const outcome = await retrain.json<{
      status: string;
      reason: string;
      challengerVersion: string;
      details: { gate: Record<string, number> };
    }>();
    expect(outcome.status).toBe("rejected");
    expect(outcome.reason).toMatch(/trusted base rows|worse than champion|below the floor/);
    expect(outcome.details.gate.challengerBaseAccuracy).toBeLessThan(outcome.details.gate.championBaseAccuracy);
    expect(await champion(tenantId)).toBe(before);
    const rejected = await adapters().models.findModel(tenantId, outcome.challengerVersion);
    expect(rejected?.status).toBe("rejected");
    // Undo the poison so later tests train on clean data.
    await env.DB.prepare("DELETE FROM feedback WHERE batch_id = ?").bind(batch.batchId).run();
  });

  it("runs exactly one retraining when two are triggered at once", async () => {
    const { key, tenantId } = await createTenantKey();
    const countRuns = async () =>
      (
        await env.DB.prepare("SELECT count(*) AS n FROM training_runs WHERE tenant_id = ?")
          .bind(tenantId)
          .first<{ n: number }>()
      )?.n ?? 0;
    const runsBefore = await countRuns();
    const trigger = () =>
      api("/v1/models/retrain", {
        method: "POST",
        key,
        headers: { "content-type": "application/json" },
        body: '{"force":true}',
      });
    const responses = await Promise.all([trigger(), trigger()]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const busy = responses.find((r) => r.status === 409);
    expect(await busy?.json()).toMatchObject({ error: { code: "RETRAIN_IN_PROGRESS" } });
    expect(await countRuns()).toBe(runsBefore + 1);
  });

  it("skips a scheduled run when there is too little new feedback, and says why", async () => {
    const { key } = await createTenantKey();
    const response = await api("/v1/models/retrain", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const outcome = await response.json<{ status: string; reason: string }>();
    expect(outcome).toMatchObject({ status: "skipped" });
    expect(outcome.reason).toMatch(/0 new labels since the last run; 20 needed/);
  });
});

describe("the model registry", () => {
  it("rolls back to an earlier version and serves it at once; the API names it", async () => {
    const { key, tenantId } = await createTenantKey();
    await publishCopy(key, "newer-2", true);
    expect(await champion(tenantId)).toBe("newer-2");
    const activate = await api("/v1/models/seed-1/activate", { method: "POST", key });
    expect(activate.status).toBe(200);
    expect(await activate.json()).toMatchObject({ version: "seed-1", champion: true });
    const app = createApp();
    const predicted = await app.fetch(
      new Request("http://edge-svm.test/v1/predict", {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ features: [[1, 2, 3, 4]] }),
      }),
      env,
      createExecutionContext(),
    );
    expect((await predicted.json<{ predictions: { modelVersion: string }[] }>()).predictions[0].modelVersion).toBe(
      "seed-1",
    );
    const audit = await env.DB.prepare(
      "SELECT action, subject, detail FROM audit_log WHERE action = 'model.activated' AND tenant_id = ? ORDER BY id DESC LIMIT 1",
    )
      .bind(tenantId)
      .first();
    expect(audit).toEqual({ action: "model.activated", subject: "seed-1", detail: '{"previous":"newer-2"}' });
  });

  it("needs the admin scope to activate or retrain", async () => {
    const { key } = await createTenantKey(["read", "ingest"]);
    expect((await api("/v1/models/seed-1/activate", { method: "POST", key })).status).toBe(403);
    expect((await api("/v1/models/retrain", { method: "POST", key, body: "{}" })).status).toBe(403);
  });

  it("never serves a corrupt artifact: activation is refused and the champion keeps serving, with the error visible", async () => {
    const { key, tenantId } = await createTenantKey();
    const before = await champion(tenantId);
    const seed = await adapters().models.findModel(tenantId, "seed-1");
    const good = JSON.parse((seed && (await adapters().models.readArtifact(seed))) ?? "{}");
    const tampered = { ...good, version: "tampered-1", weights: good.weights.map((w: number) => -w) };
    await saveRawModel(tenantId, "tampered-1", good.checksum, good.featureNames, JSON.stringify(tampered));
    const refused = await api("/v1/models/tampered-1/activate", { method: "POST", key });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: { code: "MODEL_INVALID" } });
    expect(await champion(tenantId)).toBe(before);

    // Even if the pointer is moved behind the API's back, the isolate keeps the last good model.
    const app = createApp();
    const call = (path: string, init: RequestInit = {}) =>
      app.fetch(new Request(`http://edge-svm.test${path}`, init), env, createExecutionContext());
    const me = () => call("/v1/me", { headers: { authorization: `Bearer ${key}` } });
    await me();
    await env.DB.batch([
      env.DB.prepare("UPDATE models SET status = 'retired' WHERE status = 'champion' AND tenant_id = ?").bind(tenantId),
      env.DB.prepare("UPDATE models SET status = 'champion' WHERE version = 'tampered-1' AND tenant_id = ?").bind(
        tenantId,
      ),
    ]);
    refreshChampionSoon(tenantId);
    const status = await (await me()).json<{ model: { version: string; error?: string } }>();
    expect(status.model.version).toBe(before);
    expect(status.model.error).toMatch(/tampered-1 cannot be served: .*checksum/);
    const predicted = await call("/v1/predict", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ features: [[1, 2, 3, 4]] }),
    });
    expect((await predicted.json<{ predictions: { modelVersion: string }[] }>()).predictions[0].modelVersion).toBe(
      before,
    );
    refreshChampionSoon(tenantId);
  });
});

describe("feedback from the API", () => {
  it("rejects an unknown batch with 404 and unknown rows with 422, queueing nothing", async () => {
    const { key } = await createTenantKey();
    const batch = await submitAndWait(key, labelledRows(3, 5).features);
    const recording = recordingEnv();
    const call = (batchId: string, body: unknown) =>
      createApp().fetch(
        new Request(`http://edge-svm.test/v1/batches/${batchId}/feedback`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        recording.env,
        createExecutionContext(),
      );
    expect((await call("bat_nope", { rows: [0], labels: [1] })).status).toBe(404);
    const unknownRow = await call(batch.batchId, { rows: [0, 7], labels: [1, 0] });
    expect(unknownRow.status).toBe(422);
    expect(await unknownRow.json()).toMatchObject({ error: { code: "UNKNOWN_ROWS" } });
    expect((await call(batch.batchId, { rows: [0, 1], labels: [1] })).status).toBe(400);
    expect((await call(batch.batchId, { rows: [0], ids: ["a"], labels: [1] })).status).toBe(400);
    expect(recording.sent).toEqual([]);
  });

  it("keeps the latest label for a row even when deliveries arrive out of order", async () => {
    const { key, tenantId } = await createTenantKey();
    const batch = await submitAndWait(key, labelledRows(2, 6).features);
    const event = (label: 0 | 1, labelledAt: number) => ({
      kind: "feedback",
      tenantId,
      batchId: batch.batchId,
      rows: [0],
      labels: [label],
      source: "api",
      labelledAt,
    });
    for (const body of [event(1, 2000), event(0, 1000)]) {
      const messages = createMessageBatch("feedback-events", [{ id: "f", timestamp: new Date(), attempts: 1, body }]);
      const ctx = createExecutionContext();
      await worker.queue(messages, env, ctx);
      expect((await getQueueResult(messages, ctx)).explicitAcks).toEqual(["f"]);
    }
    const row = await env.DB.prepare("SELECT label FROM feedback WHERE batch_id = ? AND row = 0")
      .bind(batch.batchId)
      .first();
    expect(row).toEqual({ label: 1 });
  });

  it("reports live accuracy per model version from the labels people sent", async () => {
    const { key } = await createTenantKey();
    const { features, labels } = labelledRows(40, 11);
    const batch = await submitAndWait(key, features);
    await sendFeedback(key, batch.batchId, { rows: features.map((_, i) => i), labels });
    await vi.waitFor(async () => expect(await feedbackCount(batch.batchId)).toBe(40), { timeout: 5000, interval: 20 });
    const metrics = await (
      await api("/v1/metrics", { key })
    ).json<{
      liveAccuracy: { modelVersion: string; labelled: number; correct: number; accuracy: number }[];
      volume: { batches24h: number; rows24h: number; feedback24h: number };
      drift: { features: { name: string; psi: number }[] };
    }>();
    const expectedCorrect = batch.predictions.filter((p) => p.label === labels[p.row]).length;
    expect(metrics.liveAccuracy).toEqual([
      {
        modelVersion: batch.predictions[0].modelVersion,
        labelled: 40,
        correct: expectedCorrect,
        accuracy: expectedCorrect / 40,
      },
    ]);
    expect(metrics.volume).toMatchObject({ batches24h: 1, rows24h: 40, feedback24h: 40 });
    expect(metrics.drift.features.map((f) => f.name)).toEqual(["variance", "skewness", "curtosis", "entropy"]);
  });
});

describe("feedback by signed webhook", () => {
  let tenant: { name: string; webhookSecret: string };
  let batchId: string;

  beforeAll(async () => {
    const owner = await createTenantKey();
    const found = await adapters().keys.findTenant(owner.tenantId);
    if (!found) throw new Error("tenant missing");
    tenant = found;
    batchId = (await submitAndWait(owner.key, labelledRows(3, 12).features)).batchId;
  });

  const payload = (overrides: Record<string, unknown> = {}) =>
    JSON.stringify({
      type: "feedback.labels",
      tenant: tenant.name,
      data: { batchId, rows: [0, 1], labels: [1, 0] },
      ...overrides,
    });

  function signed(body: string, id: string, at = new Date(), secret = tenant.webhookSecret): Record<string, string> {
    const signature = new Webhook(secret).sign(id, at, body);
    return {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signature,
    };
  }

  async function post(body: string, headers: Record<string, string>) {
    const recording = recordingEnv();
    const response = await createApp().fetch(
      new Request("http://edge-svm.test/v1/webhooks/feedback", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      }),
      recording.env,
      createExecutionContext(),
    );
    return { response, sent: recording.sent };
  }

  it("accepts a delivery signed by a standard sender and queues its labels", async () => {
    const body = payload();
    const { response, sent } = await post(body, signed(body, "msg_ok_1"));
    expect(response.status).toBe(202);
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ kind: "feedback", batchId, rows: [0, 1], labels: [1, 0], source: "webhook" });
  });

  it("answers a replayed webhook-id with a harmless 200 and queues nothing", async () => {
    const body = payload();
    const headers = signed(body, "msg_replay");
    expect((await post(body, headers)).response.status).toBe(202);
    const replay = await post(body, headers);
    expect(replay.response.status).toBe(200);
    expect(await replay.response.json()).toMatchObject({ duplicate: true });
    expect(replay.sent).toEqual([]);
  });

  it.each([
    [
      "a bad signature",
      () => ({
        body: payload(),
        headers: { ...signed(payload(), "m1"), "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
      }),
      401,
      "INVALID_SIGNATURE",
    ],
    [
      "a signature made with another secret",
      () => ({
        body: payload(),
        headers: signed(payload(), "m2", new Date(), "whsec_c2VjcmV0LXRoYXQtaXMtbm90LXRoZS10ZW5hbnRz"),
      }),
      401,
      "INVALID_SIGNATURE",
    ],
    [
      "an old timestamp",
      () => ({ body: payload(), headers: signed(payload(), "m3", new Date(Date.now() - 6 * 60 * 1000)) }),
      401,
      "INVALID_SIGNATURE",
    ],
    [
      "a timestamp from the future",
      () => ({ body: payload(), headers: signed(payload(), "m4", new Date(Date.now() + 6 * 60 * 1000)) }),
      401,
      "INVALID_SIGNATURE",
    ],
    [
      "an altered body",
      () => ({ body: payload({ data: { batchId, rows: [0, 1], labels: [0, 0] } }), headers: signed(payload(), "m5") }),
      401,
      "INVALID_SIGNATURE",
    ],
    [
      "an unknown tenant",
      () => ({ body: payload({ tenant: "nobody" }), headers: signed(payload({ tenant: "nobody" }), "m6") }),
      401,
      "INVALID_SIGNATURE",
    ],
    ["missing signature headers", () => ({ body: payload(), headers: {} }), 401, "INVALID_SIGNATURE"],
    [
      "an unknown batch",
      () => ({
        body: payload({ data: { batchId: "bat_nope", rows: [0], labels: [1] } }),
        headers: signed(payload({ data: { batchId: "bat_nope", rows: [0], labels: [1] } }), "m7"),
      }),
      404,
      "NOT_FOUND",
    ],
    [
      "an unknown row",
      () => ({
        body: payload({ data: { batchId, rows: [99], labels: [1] } }),
        headers: signed(payload({ data: { batchId, rows: [99], labels: [1] } }), "m8"),
      }),
      422,
      "UNKNOWN_ROWS",
    ],
  ])("refuses %s, queueing nothing", async (_name, make, status, code) => {
    const { body, headers } = make();
    const { response, sent } = await post(body, headers);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
    expect(sent).toEqual([]);
  });

  it("processes a retry of a delivery that failed, rather than taking it for a replay", async () => {
    const bad = payload({ data: { batchId, rows: [99], labels: [1] } });
    expect((await post(bad, signed(bad, "m-retry"))).response.status).toBe(422);
    const good = payload();
    expect((await post(good, signed(good, "m-retry"))).response.status).toBe(202);
  });
});
