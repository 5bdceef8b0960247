import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { Webhook } from "standardwebhooks";
import worker from "../../workers/index.ts";
import { createApp } from "../../workers/http/app.ts";
import { backoffSeconds } from "../../workers/consumers/handle-queue.ts";
import type { ScoreJob } from "../../workers/contract/messages.ts";
import {
  adapters,
  api,
  createTenantKey,
  deliver,
  ensureModel,
  gzipJson,
  makeRows,
  newBatch,
  postBatch,
  scoreJobs,
  storedPredictions,
} from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

interface Result {
  batchId: string;
  status: string;
  rows: number;
  done: number;
  predictions: {
    row: number;
    id?: string;
    label: number;
    margin: number;
    modelVersion: string;
    contributions?: Record<string, number>;
  }[];
}

beforeAll(async () => {
  await ensureModel();
});

async function waitComplete(key: string, batchId: string): Promise<Result> {
  return vi.waitFor(
    async () => {
      const body = await (await api(`/v1/batches/${batchId}`, { key })).json<Result>();
      if (body.status !== "complete") throw new Error(`still ${body.status}`);
      return body;
    },
    { timeout: 5000, interval: 20 },
  );
}

describe("ingest and reading", () => {
  it("returns client ids with their predictions, in row order, through the real queue", async () => {
    const { key } = await createTenantKey();
    const ids = ["alpha", "beta", "gamma"];
    const posted = await postBatch(key, { features: makeRows(3), ids });
    const { batchId } = await posted.json<{ batchId: string }>();
    const result = await waitComplete(key, batchId);
    expect(result.predictions.map((p) => p.id)).toEqual(ids);
    expect(result).toMatchObject({ rows: 3, done: 3 });
    for (const p of result.predictions) expect(p.label).toBe(p.margin > 0 ? 1 : 0);
  });

  it("scores a 10,000-row batch as one claim-check message and completes every row exactly once", async () => {
    const { key, tenantId } = await createTenantKey();
    const { env: recording, sent } = recordingEnv();
    const request = new Request("http://edge-svm.test/v1/batches", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipJson({ features: makeRows(10_000, 4, 7) }),
    });
    const posted = await createApp().fetch(request, recording, createExecutionContext());
    const { batchId } = await posted.json<{ batchId: string }>();
    const jobs = sent.filter((m) => m.queue === "score-jobs");
    expect(jobs).toHaveLength(1);
    expect(JSON.stringify(jobs[0].body).length).toBeLessThan(300);
    await deliver(
      "score-jobs",
      jobs.map((m) => m.body),
    );
    const result = await waitComplete(key, batchId);
    expect(result.predictions.map((p) => p.row)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(await storedPredictions(tenantId, batchId)).toHaveLength(10_000);
  });

  it("explains a prediction: contributions plus the bias add up to the margin", async () => {
    const { key, tenantId } = await createTenantKey();
    const { batchId } = await (await postBatch(key, { features: makeRows(4) })).json<{ batchId: string }>();
    await waitComplete(key, batchId);
    const explained = await (await api(`/v1/batches/${batchId}?explain=1`, { key })).json<Result>();
    const seed = await adapters().models.findModel(tenantId, "seed-1");
    const artifact = JSON.parse((seed && (await adapters().models.readArtifact(seed))) ?? "{}") as {
      bias: number;
      featureNames: string[];
    };
    for (const p of explained.predictions) {
      expect(Object.keys(p.contributions ?? {})).toEqual(artifact.featureNames);
      const sum = Object.values(p.contributions ?? {}).reduce((a, b) => a + b, 0);
      expect(sum + artifact.bias).toBeCloseTo(p.margin, 9);
    }
  });

  it("exports features, predictions and feedback as CSV", async () => {
    const { key } = await createTenantKey();
    const rows = makeRows(3);
    const { batchId } = await (
      await postBatch(key, { features: rows, ids: ["=cmd", "b", "c"] })
    ).json<{ batchId: string }>();
    await waitComplete(key, batchId);
    const response = await api(`/v1/batches/${batchId}/export.csv`, { key });
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split("\n");
    expect(lines[0]).toBe(
      "row,id,variance,skewness,curtosis,entropy,label,class,margin,model_version,feedback_label,feedback_source",
    );
    expect(lines).toHaveLength(4);
    expect(lines[1].startsWith("0,'=cmd,")).toBe(true);
    expect(Number(lines[2].split(",")[2])).toBe(rows[1][0]);
  });

  it("lists batches newest first, page by page, with no duplicates or gaps", async () => {
    const { key } = await createTenantKey();
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await (await postBatch(key, { features: makeRows(1) })).json<{ batchId: string }>()).batchId);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { batches: { batchId: string }[]; nextCursor: string | null } = await (
        await api(`/v1/batches?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key })
      ).json();
      expect(page.batches.length).toBeLessThanOrEqual(2);
      seen.push(...page.batches.map((b) => b.batchId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...created].reverse());
  });

  it("rejects a tampered cursor with a 400", async () => {
    const { key } = await createTenantKey();
    const response = await api("/v1/batches?cursor=%%%", { key });
    expect(response.status).toBe(400);
  });
});

describe("idempotency", () => {
  it("returns the same batch for the same key and body, and 409 for the same key with another body", async () => {
    const { key } = await createTenantKey();
    const body = { features: makeRows(2) };
    const first = await postBatch(key, body, { "idempotency-key": "order-1" });
    const again = await postBatch(key, body, { "idempotency-key": "order-1" });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    const a = await first.json<{ batchId: string }>();
    expect((await again.json<{ batchId: string }>()).batchId).toBe(a.batchId);

    const conflict = await postBatch(key, { features: makeRows(3) }, { "idempotency-key": "order-1" });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: { code: "IDEMPOTENCY_CONFLICT" } });
    const other = await postBatch(key, body);
    expect((await other.json<{ batchId: string }>()).batchId).not.toBe(a.batchId);
  });

  it("lets another tenant use the same key independently", async () => {
    const one = await createTenantKey();
    const two = await createTenantKey();
    const a = await (
      await postBatch(one.key, { features: makeRows(1) }, { "idempotency-key": "k" })
    ).json<{ batchId: string }>();
    const b = await postBatch(two.key, { features: makeRows(2) }, { "idempotency-key": "k" });
    expect(b.status).toBe(202);
    expect((await b.json<{ batchId: string }>()).batchId).not.toBe(a.batchId);
  });

  it("fails the batch and frees the key when enqueueing fails, so a retry with the same key succeeds", async () => {
    const { key, tenantId } = await createTenantKey();
    const broken = recordingEnv({
      SCORE_QUEUE: {
        send: async () => {},
        sendBatch: async () => Promise.reject(new Error("queue down")),
      } as unknown as Queue,
    });
    const request = () =>
      new Request("http://edge-svm.test/v1/batches", {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "idempotency-key": "retry-me" },
        body: JSON.stringify({ features: makeRows(2) }),
      });
    const failed = await worker.fetch(request(), broken.env, createExecutionContext());
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ error: { code: "ENQUEUE_FAILED" } });
    const statuses = await env.DB.prepare("SELECT status FROM batches WHERE tenant_id = ?")
      .bind(tenantId)
      .all<{ status: string }>();
    expect(statuses.results).toEqual([{ status: "failed" }]);

    const retried = await worker.fetch(request(), env, createExecutionContext());
    expect(retried.status).toBe(202);
    await waitComplete(key, (await retried.json<{ batchId: string }>()).batchId);
  });
});

describe("tenant isolation", () => {
  it("hides one tenant's batch from another: read, export and list", async () => {
    const owner = await createTenantKey();
    const stranger = await createTenantKey();
    const { batchId } = await (await postBatch(owner.key, { features: makeRows(2) })).json<{ batchId: string }>();
    await waitComplete(owner.key, batchId);
    expect((await api(`/v1/batches/${batchId}`, { key: stranger.key })).status).toBe(404);
    expect((await api(`/v1/batches/${batchId}/export.csv`, { key: stranger.key })).status).toBe(404);
    const list = await (await api("/v1/batches", { key: stranger.key })).json<{ batches: unknown[] }>();
    expect(list.batches).toEqual([]);
  });
});

describe("the scoring consumer under at-least-once delivery", () => {
  it("leaves exactly one result per row when chunks arrive twice and out of order", async () => {
    const { tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 6, 2);
    const chunk = (i: number): ScoreJob => scoreJobs(batch)[i];
    expect((await deliver("score-jobs", [chunk(1)])).explicitAcks).toEqual(["m0"]);
    expect((await adapters().batches.getBatch(batch.id))?.status).toBe("pending");
    await deliver("score-jobs", [chunk(1), chunk(0)]);
    await deliver("score-jobs", [chunk(0)]);
    const after = await adapters().batches.getBatch(batch.id);
    expect(after).toMatchObject({ status: "complete", done: 6, rows: 6 });
    const predictions = await storedPredictions(tenantId, batch.id);
    expect(predictions.map((p) => p.row)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("retries a chunk whose write failed, then completes the batch with no duplicates", async () => {
    const { tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 4, 2);
    const jobs = scoreJobs(batch);
    let failures = 1;
    const flakyDb = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch" && failures > 0) {
          failures--;
          return async () => Promise.reject(new Error("D1 is overloaded"));
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const first = await deliver("score-jobs", [jobs[0], jobs[1]], { ...env, DB: flakyDb });
    expect(first.retryMessages).toHaveLength(1);
    expect(first.explicitAcks).toHaveLength(1);
    const retried = jobs[Number(first.retryMessages[0].msgId.slice(1))];
    const second = await deliver("score-jobs", [retried], env, 2);
    expect(second.explicitAcks).toEqual(["m0"]);
    expect(await adapters().batches.getBatch(batch.id)).toMatchObject({ status: "complete", done: 4 });
    expect((await storedPredictions(tenantId, batch.id)).map((p) => p.row)).toEqual([0, 1, 2, 3]);
    expect((await adapters().results.getResult(batch.id))?.result.predictions).toHaveLength(4);
  });

  it("backs off exponentially between retries, capped at five minutes", () => {
    expect([1, 2, 3, 4].map(backoffSeconds)).toEqual([2, 4, 8, 16]);
    expect(backoffSeconds(20)).toBe(300);
  });

  it("sends a message that does not parse straight to the dead-letter queue and acks it", async () => {
    const recording = recordingEnv();
    const result = await deliver("score-jobs", [{ kind: "score", batchId: 42 }], recording.env);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(recording.sent).toEqual([{ queue: "score-jobs-dlq", body: { kind: "score", batchId: 42 } }]);
  });

  it("fails the batch when its chunk is dead-lettered, so clients stop waiting", async () => {
    const { key, tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 2, 1);
    const result = await deliver("score-jobs-dlq", [
      { kind: "score", tenantId, batchId: batch.id, chunk: 0, chunks: 1, offset: 0, rows: 2 },
    ]);
    expect(result.explicitAcks).toEqual(["m0"]);
    const body = await (await api(`/v1/batches/${batch.id}`, { key })).json<Result & { error: string }>();
    expect(body.status).toBe("failed");
    expect(body.error).toMatch(/could not be scored/);
  });
});

describe("result callbacks", () => {
  it("queues a callback on completion and delivers it signed so a Standard Webhooks receiver verifies it", async () => {
    const { tenantId } = await createTenantKey();
    const tenant = await adapters().keys.findTenant(tenantId);
    const batch = await newBatch(tenantId, 2, 1, "https://client.example/hooks/edge-svm");
    const recording = recordingEnv();
    await deliver("score-jobs", scoreJobs(batch), recording.env);
    const callbacks = recording.sent.filter((m) => m.queue === "callback-deliveries");
    expect(callbacks).toEqual([
      {
        queue: "callback-deliveries",
        body: { kind: "callback", tenantId, batchId: batch.id, url: "https://client.example/hooks/edge-svm" },
      },
    ]);

    const received: Request[] = [];
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      received.push(new Request(input, init));
      return new Response("ok");
    });
    try {
      const result = await deliver("callback-deliveries", [callbacks[0].body]);
      expect(result.explicitAcks).toEqual(["m0"]);
    } finally {
      fetchSpy.mockRestore();
    }
    expect(received).toHaveLength(1);
    const payload = await received[0].text();
    const headers = Object.fromEntries(received[0].headers);
    const verified = new Webhook(tenant?.webhookSecret ?? "").verify(payload, headers) as { data: Result };
    expect(verified.data.predictions).toHaveLength(2);
  });

  it("retries a callback the receiver refused", async () => {
    const { tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 1, 1, "https://client.example/hook");
    await deliver("score-jobs", scoreJobs(batch), recordingEnv().env);
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response("nope", { status: 503 }));
    try {
      const result = await deliver("callback-deliveries", [
        { kind: "callback", tenantId, batchId: batch.id, url: "https://client.example/hook" },
      ]);
      expect(result.retryMessages).toHaveLength(1);
    } finally {
      fetchSpy.mockRestore();
    }
  });
});

describe("POST /v1/predict", () => {
  it("scores rows inline with the champion, and explains them on request", async () => {
    const { key } = await createTenantKey();
    const response = await api("/v1/predict?explain=1", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ features: makeRows(2), ids: ["x", "y"] }),
    });
    expect(response.status).toBe(200);
    const body = await response.json<{ predictions: Result["predictions"] }>();
    expect(body.predictions.map((p) => [p.id, p.modelVersion])).toEqual([
      ["x", "seed-1"],
      ["y", "seed-1"],
    ]);
    expect(Object.keys(body.predictions[0].contributions ?? {})).toHaveLength(4);
  });

  it.each([
    ["101 rows", { features: makeRows(101) }, 413, "BATCH_TOO_LARGE"],
    ["rows of the wrong width", { features: [[1, 2]] }, 422, "FEATURE_COUNT_MISMATCH"],
    ["a string", { features: [["1", 2, 3, 4]] }, 422, "INVALID_BATCH"],
  ])("rejects %s", async (_name, body, status, code) => {
    const { key } = await createTenantKey();
    const response = await api("/v1/predict", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
  });
});

describe("the API reference", () => {
  it("serves an OpenAPI 3.1 document generated from the schemas, and Scalar's page rendering it", async () => {
    const doc = await (
      await api("/v1/openapi.json")
    ).json<{ openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/batches", "/v1/batches/{id}", "/v1/predict"]));
    expect(doc.components.schemas).toHaveProperty("BatchRequest");
    const page = await api("/v1/docs");
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    // Scalar renders the page in the browser (test/web/docs.test.ts) from our own copy of its bundle.
    const text = await page.text();
    expect(text).toContain('data-url="/v1/openapi.json"');
    expect(text).toContain('<script src="/scalar/standalone.js"></script>');
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self';");
  });

  it("documents every route the API serves", async () => {
    const doc = await (await api("/v1/openapi.json")).json<{ paths: Record<string, Record<string, unknown>> }>();
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = createApp()
      .routes.filter((r) => r.method !== "ALL" && r.path.startsWith("/v1/"))
      // The reference itself: the document and its page.
      .filter((r) => r.path !== "/v1/openapi.json" && r.path !== "/v1/docs")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
  });
});
