// A tenant owns its models. Three tenants with different feature counts (4, 2 and 6): nothing
// one does (publish, activate, roll back, feedback, poisoned feedback, retrain, a failing
// retrain) changes another's predictions, registry, metrics or drift.
import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  buildArtifact,
  crossValidate,
  formatCsv,
  generateClassification,
  trainSvm,
  type Artifact,
} from "../../model/index.ts";
import worker from "../../workers/index.ts";
import { loadChampion, MAX_TENANTS, servingCacheSize } from "../../workers/services/serving-model.ts";
import {
  adapters,
  api,
  callRecorded,
  callSettled,
  createTenantKey,
  deliver,
  ensureModel,
  makeRows,
  postBatch,
  predictionLogOf,
} from "./helpers.ts";
import { countingD1 } from "./counting-d1.ts";
import { recordingEnv } from "./recording-env.ts";

interface Tenant {
  key: string;
  tenant: string;
  tenantId: string;
  rows: number[][];
}

const json = { "content-type": "application/json" };

async function trained(version: string, features: number, seed: number) {
  const data = generateClassification({
    rows: 300,
    features,
    informative: 2,
    redundant: 0,
    flip: 0.02,
    classSep: 1.5,
    seed,
  });
  const artifact = await buildArtifact({
    version,
    data,
    result: trainSvm(data),
    metrics: crossValidate(data, { folds: 3 }).metrics,
  });
  return { artifact, dataset: formatCsv(data) };
}

async function publish(key: string, body: { artifact: Artifact; dataset?: string; activate?: boolean }) {
  const response = await api("/v1/models", { method: "POST", key, headers: json, body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBe(201);
}

/** A tenant with its own model of `features` features, published through the API. */
async function tenantWith(features: number, seed: number): Promise<Tenant> {
  const created = await createTenantKey(undefined, { model: false });
  const { artifact, dataset } = await trained("own-1", features, seed);
  await publish(created.key, { artifact, dataset, activate: true });
  return { ...created, rows: makeRows(5, features, seed) };
}

async function waitComplete(key: string, batchId: string) {
  return vi.waitFor(
    async () => {
      const body = await (await api(`/v1/batches/${batchId}`, { key })).json<{ status: string }>();
      if (body.status !== "complete") throw new Error(body.status);
    },
    { timeout: 10_000, interval: 25 },
  );
}

async function predict(t: Tenant, extra: Record<string, unknown> = {}) {
  const response = await api("/v1/predict", {
    method: "POST",
    key: t.key,
    headers: json,
    body: JSON.stringify({ features: t.rows, ...extra }),
  });
  expect(response.status).toBe(200);
  return (await response.json<{ predictions: { margin: number; modelVersion: string; predictionId?: string }[] }>())
    .predictions;
}

/** What a tenant sees of its own models: predictions, registry, live accuracy, drift, runs. */
async function view(t: Tenant) {
  const scored = await predict(t, { log: false });
  const models = await (await api("/v1/models", { key: t.key })).json<{ models: Record<string, unknown>[] }>();
  const metrics = await (await api("/v1/metrics", { key: t.key })).json<Record<string, unknown>>();
  const me = await (await api("/v1/me", { key: t.key })).json<{ model: unknown }>();
  return {
    predictions: scored.map((p) => [p.modelVersion, p.margin]),
    registry: models.models.map((m) => [m.version, m.status, m.checksum ?? null, m.holdout]),
    liveAccuracy: metrics.liveAccuracy,
    drift: metrics.drift,
    runs: (metrics.runs as { runId: string; status: string }[]).map((r) => [r.runId, r.status]),
    model: me.model,
  };
}

async function sendLabels(t: Tenant, rows: number[][], label: (i: number) => 0 | 1) {
  const { batchId } = await (await postBatch(t.key, { features: rows })).json<{ batchId: string }>();
  await waitComplete(t.key, batchId);
  const response = await api(`/v1/batches/${batchId}/feedback`, {
    method: "POST",
    key: t.key,
    headers: json,
    body: JSON.stringify({ rows: rows.map((_, i) => i), labels: rows.map((_, i) => label(i)) }),
  });
  expect(response.status).toBe(202);
  await vi.waitFor(
    async () => {
      const n = await env.DB.prepare("SELECT count(*) AS n FROM feedback WHERE batch_id = ?").bind(batchId).first();
      expect(n).toEqual({ n: rows.length });
    },
    { timeout: 10_000, interval: 25 },
  );
  return batchId;
}

const retrain = async (t: Tenant, force = true) =>
  (
    await api("/v1/models/retrain", { method: "POST", key: t.key, headers: json, body: JSON.stringify({ force }) })
  ).json<{ status: string; reason?: string; challengerVersion?: string; details?: Record<string, unknown> }>();

let a: Tenant;
let b: Tenant;
let c: Tenant;

beforeAll(async () => {
  await ensureModel();
  const demo = await createTenantKey();
  a = { ...demo, rows: makeRows(5, 4, 11) };
  b = await tenantWith(2, 21);
  c = await tenantWith(6, 31);
});

describe("three tenants with 4, 2 and 6 features", () => {
  it("each scores with its own model", async () => {
    expect((await predict(a))[0].modelVersion).toBe("seed-1");
    expect((await predict(b))[0].modelVersion).toBe("own-1");
    expect((await predict(c))[0].modelVersion).toBe("own-1");
    const rowsOfA = await api("/v1/predict", {
      method: "POST",
      key: b.key,
      headers: json,
      body: JSON.stringify({ features: a.rows }),
    });
    expect(rowsOfA.status).toBe(422);
  });

  it("nothing B and C do changes A's predictions, registry, metrics or drift", async () => {
    await sendLabels(a, makeRows(30, 4, 12), (i) => (i % 2) as 0 | 1);
    const before = await view(a);

    // B publishes and activates a new version, rolls back, labels rows, poisons labels, retrains.
    const { artifact, dataset } = await trained("own-2", 2, 22);
    await publish(b.key, { artifact, dataset, activate: true });
    expect((await predict(b, { log: false }))[0].modelVersion).toBe("own-2");
    expect((await api("/v1/models/own-1/activate", { method: "POST", key: b.key })).status).toBe(200);
    await sendLabels(b, makeRows(40, 2, 23), (i) => (i % 2) as 0 | 1);
    await sendLabels(b, makeRows(40, 2, 24), () => 1);
    const trainedB = await retrain(b);
    expect(["promoted", "rejected"]).toContain(trainedB.status);
    // C's retrain fails: its base dataset is gone.
    await env.DB.prepare("UPDATE tenants SET base_dataset_key = 'missing/base.csv' WHERE id = ?")
      .bind(c.tenantId)
      .run();
    expect((await retrain(c)).status).toBe("failed");

    expect(await view(a)).toEqual(before);
    // And B's own registry did change, so the comparison above could have failed.
    const registryB = await (await api("/v1/models", { key: b.key })).json<{ models: { version: string }[] }>();
    expect(registryB.models.map((m) => m.version)).toEqual(expect.arrayContaining(["own-1", "own-2"]));
    expect(registryB.models.length).toBeGreaterThanOrEqual(3);
  });

  it("a tenant's poisoned labels never reach another tenant's training set", async () => {
    // D shares A's schema (the demo model), so its labels would fit A's training set.
    const d = { ...(await createTenantKey()), rows: makeRows(5, 4, 41) };
    await sendLabels(d, makeRows(60, 4, 42), () => 1);
    const own = await env.DB.prepare("SELECT count(*) AS n FROM feedback WHERE tenant_id = ?")
      .bind(a.tenantId)
      .first<{ n: number }>();
    const outcome = await retrain(a);
    expect(outcome.status, outcome.reason).not.toBe("failed");
    expect(outcome.details?.feedbackRows).toBe(own?.n);
  });

  it("one tenant's retraining lease never blocks another's", async () => {
    expect(await adapters().locks.acquire(`retrain:${c.tenantId}`, "someone", 60_000)).toBe(true);
    const blocked = await api("/v1/models/retrain", { method: "POST", key: c.key, headers: json, body: "{}" });
    expect(blocked.status).toBe(409);
    const outcome = await retrain(b);
    expect(outcome.status).not.toBe("busy");
    await adapters().locks.release(`retrain:${c.tenantId}`, "someone");
  });

  it("an admin key acts on its own tenant only", async () => {
    expect((await api("/v1/models/own-2", { key: a.key })).status).toBe(404);
    expect((await api("/v1/models/own-2/activate", { method: "POST", key: a.key })).status).toBe(404);
    expect((await api("/v1/models/seed-1", { key: b.key })).status).toBe(404);
  });
});

describe("retraining fans out per tenant", () => {
  it("queues one job per tenant with enough new labels, and a failing tenant does not stop the others", async () => {
    const ready = { ...(await createTenantKey()), rows: makeRows(5, 4, 51) };
    const broken = { ...(await createTenantKey()), rows: makeRows(5, 4, 52) };
    const quiet = { ...(await createTenantKey()), rows: makeRows(5, 4, 53) };
    await sendLabels(ready, makeRows(25, 4, 54), (i) => (i % 2) as 0 | 1);
    await sendLabels(broken, makeRows(25, 4, 55), (i) => (i % 2) as 0 | 1);
    await env.DB.prepare("UPDATE tenants SET base_dataset_key = NULL WHERE id = ?").bind(broken.tenantId).run();

    const recording = recordingEnv();
    const ctx = createExecutionContext();
    await worker.scheduled(
      { scheduledTime: Date.now(), cron: "*/15 * * * *", noRetry: () => undefined },
      recording.env,
      ctx,
    );
    const jobs = recording.sent.filter((m) => m.queue === "retrain-jobs").map((m) => m.body as { tenantId: string });
    const queued = jobs.map((j) => j.tenantId);
    expect(queued).toEqual(expect.arrayContaining([ready.tenantId, broken.tenantId]));
    expect(queued).not.toContain(quiet.tenantId);

    const mine = jobs.filter((j) => j.tenantId === broken.tenantId || j.tenantId === ready.tenantId);
    const result = await deliver("retrain-jobs", mine);
    expect(result.retryMessages).toEqual([]);
    const status = async (tenantId: string) =>
      (
        await env.DB.prepare("SELECT status FROM training_runs WHERE tenant_id = ? AND trigger = 'cron'")
          .bind(tenantId)
          .first<{ status: string }>()
      )?.status;
    // Each job started its tenant's retrain Workflow; the runs end on their own.
    await vi.waitFor(async () => expect(await status(broken.tenantId)).toBe("failed"), {
      timeout: 30_000,
      interval: 100,
    });
    await vi.waitFor(async () => expect(["promoted", "rejected"]).toContain(await status(ready.tenantId)), {
      timeout: 30_000,
      interval: 100,
    });
  });
});

describe("sync predictions can learn", () => {
  it("labels predictions by predictionId through the API and the webhook; they count in live accuracy and training", async () => {
    const t = { ...(await createTenantKey()), rows: makeRows(12, 4, 61) };
    const first = await predict(t);
    const second = await predict({ ...t, rows: makeRows(12, 4, 62) });
    const ids = [...first, ...second].map((p) => p.predictionId);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(new Set(ids).size).toBe(24);

    // Logged after the answer and flushed from the tenant's log about a second later.
    await vi.waitFor(
      async () => {
        const n = await env.DB.prepare(
          "SELECT sum(rows) AS n FROM batches WHERE tenant_id = ? AND source = 'predict' AND status = 'complete'",
        )
          .bind(t.tenantId)
          .first<{ n: number }>();
        expect(n?.n).toBe(24);
      },
      { timeout: 10_000, interval: 25 },
    );

    const viaApi = await api("/v1/predictions/feedback", {
      method: "POST",
      key: t.key,
      headers: json,
      body: JSON.stringify({ predictionIds: ids.slice(0, 12), labels: first.map((p) => (p.margin > 0 ? 1 : 0)) }),
    });
    expect(viaApi.status).toBe(202);
    expect(await viaApi.json()).toEqual({ accepted: 12 });

    const secret = (await adapters().keys.findTenantByName(t.tenant))?.webhookSecret ?? "";
    const { Webhook } = await import("standardwebhooks");
    const body = JSON.stringify({
      type: "feedback.labels",
      tenant: t.tenant,
      data: { predictionIds: ids.slice(12), labels: second.map((p) => (p.margin > 0 ? 0 : 1)) },
    });
    const at = new Date();
    const viaWebhook = await api("/v1/webhooks/feedback", {
      method: "POST",
      headers: {
        ...json,
        "webhook-id": "msg_predictions",
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": new Webhook(secret).sign("msg_predictions", at, body),
      },
      body,
    });
    expect(viaWebhook.status).toBe(202);

    await vi.waitFor(
      async () => {
        const metrics = await (
          await api("/v1/metrics", { key: t.key })
        ).json<{
          liveAccuracy: { modelVersion: string; labelled: number; correct: number }[];
        }>();
        expect(metrics.liveAccuracy).toEqual([{ modelVersion: "seed-1", labelled: 24, correct: 12, accuracy: 0.5 }]);
      },
      { timeout: 10_000, interval: 50 },
    );
    const outcome = await retrain(t);
    expect(outcome.details?.feedbackRows).toBe(24);
  });

  it("refuses an unknown or another tenant's predictionId, queueing nothing", async () => {
    const t = { ...(await createTenantKey()), rows: makeRows(2, 4, 71) };
    const other = { ...(await createTenantKey()), rows: makeRows(2, 4, 72) };
    const [theirs] = await predict(other);
    // Flushed from the other tenant's log about a second after the answer.
    await vi.waitFor(
      async () => {
        const n = await env.DB.prepare(
          "SELECT sum(rows) AS n FROM batches WHERE tenant_id = ? AND source = 'predict' AND status = 'complete'",
        )
          .bind(other.tenantId)
          .first<{ n: number }>();
        expect(n?.n).toBe(2);
      },
      { timeout: 10_000, interval: 25 },
    );
    const { response, sent } = await callRecorded("/v1/predictions/feedback", {
      method: "POST",
      key: t.key,
      headers: json,
      body: JSON.stringify({ predictionIds: [theirs.predictionId], labels: [1] }),
    });
    expect(response.status).toBe(422);
    expect(sent).toEqual([]);
  });

  it("answers no predictionId and records nothing when the request says log: false", async () => {
    const t = { ...(await createTenantKey()), rows: makeRows(3, 4, 81) };
    const response = await callSettled("/v1/predict", {
      method: "POST",
      key: t.key,
      headers: json,
      body: JSON.stringify({ features: t.rows, log: false }),
    });
    const { predictions } = await response.json<{ predictions: { predictionId?: string }[] }>();
    expect(predictions.every((p) => p.predictionId === undefined)).toBe(true);
    const logged = await runInDurableObject(predictionLogOf(t.tenantId), (_, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM requests").one(),
    );
    expect(logged.n).toBe(0);
  });
});

describe("serving per tenant", () => {
  it("answers a warm /v1/predict without a single D1 query", async () => {
    const t = { ...(await createTenantKey()), rows: makeRows(3, 4, 91) };
    const counting = countingD1(env.DB);
    const call = async () =>
      (
        await callRecorded(
          "/v1/predict",
          { method: "POST", key: t.key, headers: json, body: JSON.stringify({ features: t.rows }) },
          { DB: counting.db },
        )
      ).response;
    expect((await call()).status).toBe(200);
    expect(counting.statements.length).toBeGreaterThan(0);
    counting.statements.length = 0;
    expect((await call()).status).toBe(200);
    expect(counting.statements).toEqual([]);
  });

  it("keeps at most 64 tenants' champions per isolate", async () => {
    for (let i = 0; i < MAX_TENANTS + 10; i++) await loadChampion(adapters().models, `ten_absent${i}`);
    expect(servingCacheSize().tenants).toBeLessThanOrEqual(MAX_TENANTS);
  });

  it("tells a tenant without a model what to do", async () => {
    const t = await createTenantKey(undefined, { model: false });
    const response = await api("/v1/predict", {
      method: "POST",
      key: t.key,
      headers: json,
      body: '{"features":[[1,2,3,4]]}',
    });
    expect(response.status).toBe(503);
    const { error } = await response.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe("MODEL_UNAVAILABLE");
    expect(error.message).toMatch(/publish/);
    const me = await (await api("/v1/me", { key: t.key })).json<{ model: { active: boolean; hint?: string } }>();
    expect(me.model).toMatchObject({ active: false, hint: expect.stringMatching(/publish/) });
  });
});

describe("versions are comparable", () => {
  it("reports every version on the tenant's latest holdout, with the gate's own figures", async () => {
    const t = { ...(await createTenantKey()), rows: makeRows(5, 4, 101) };
    await sendLabels(t, makeRows(40, 4, 102), (i) => (i % 3 === 0 ? 1 : 0));
    const outcome = await retrain(t);
    const gate = outcome.details?.gate as { championAccuracy: number; challengerAccuracy: number; holdoutRows: number };
    const { models } = await (
      await api("/v1/models", { key: t.key })
    ).json<{
      models: { version: string; holdout: { accuracy: number; rows: number; runId: string } | null }[];
    }>();
    const challenger = models.find((m) => m.version === outcome.challengerVersion);
    const champion = models.find((m) => m.version === "seed-1");
    expect(challenger?.holdout).toMatchObject({ accuracy: gate.challengerAccuracy, rows: gate.holdoutRows });
    expect(champion?.holdout).toMatchObject({ accuracy: gate.championAccuracy, rows: gate.holdoutRows });
    expect(challenger?.holdout?.runId).toBe(champion?.holdout?.runId);
  });
});
