// Outbound result callbacks: only public https hosts, delivered without following redirects,
// with a timeout and a cancelled body, and the outcome shown on the batch.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  api,
  callRecorded,
  createTenantKey,
  deliver,
  ensureModel,
  makeRows,
  newBatch,
  postBatch,
  scoreJobs,
} from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

beforeAll(async () => {
  await ensureModel();
});

describe("callbackUrl at submit time", () => {
  it.each([
    ["https://127.0.0.1/", "loopback"],
    ["https://10.1.2.3/", "private"],
    ["https://192.168.1.1/hook", "private"],
    ["https://[::1]/", "loopback"],
    ["https://169.254.169.254/latest/meta-data", "link-local"],
    ["https://localhost:22/", "localhost"],
    ["https://2130706433/", "loopback"],
    ["https://[::ffff:127.0.0.1]/", "loopback"],
    ["https://[fe80::1]/", "link-local"],
    ["https://[fd12:3456::1]/", "unique-local"],
    ["https://metadata.google.internal/", "internal"],
    [`https://example.com/${"a".repeat(2100)}`, "characters"],
  ])("refuses %s with 422 naming the rule (%s)", async (url, rule) => {
    const { key, tenantId } = await createTenantKey();
    const response = await postBatch(key, { features: makeRows(1), callbackUrl: url });
    expect(response.status).toBe(422);
    const { error } = await response.json<{ error: { code: string; message: string } }>();
    expect(["INVALID_CALLBACK_URL", "INVALID_BATCH"]).toContain(error.code);
    expect(error.message).toContain(rule);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM batches WHERE tenant_id = ?").bind(tenantId).first();
    expect(count).toEqual({ n: 0 });
  });

  it("accepts a public https URL", async () => {
    const { key } = await createTenantKey();
    // Recorded, not sent: the test must not call a real host.
    const { response, sent } = await callRecorded("/v1/batches", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ features: makeRows(1), callbackUrl: "https://hooks.example.com/edge" }),
    });
    expect(response.status).toBe(202);
    expect(sent).toHaveLength(1);
  });
});

describe("callback delivery", () => {
  async function completedBatch(url: string) {
    const { key, tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 1, 1, url);
    await run("score-jobs", scoreJobs(batch)[0]);
    return { key, tenantId, batchId: batch.id };
  }

  // Recorded producers: a completed batch queues its callback, which the test delivers itself.
  const run = (queue: string, body: unknown) => deliver(queue, [body], recordingEnv().env);

  const callbackOf = async (key: string, batchId: string) =>
    (await (await api(`/v1/batches/${batchId}`, { key })).json<{ callback?: unknown }>()).callback;

  it("shows a pending callback on the batch until it is delivered, then delivered with its attempts", async () => {
    const url = "https://hooks.example.com/ok";
    const { key, tenantId, batchId } = await completedBatch(url);
    expect(await callbackOf(key, batchId)).toEqual({ status: "pending", attempts: 0, lastError: null });
    let seen: RequestInit | undefined;
    let cancelled = false;
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) => {
      seen = init;
      const body = new ReadableStream({ cancel: () => void (cancelled = true) });
      return new Response(body, { status: 200 });
    });
    try {
      const result = await run("callback-deliveries", { kind: "callback", tenantId, batchId, url });
      expect(result.explicitAcks).toEqual(["m0"]);
    } finally {
      spy.mockRestore();
    }
    expect(seen?.redirect).toBe("manual");
    expect(seen?.signal).toBeInstanceOf(AbortSignal);
    expect(cancelled).toBe(true);
    expect(await callbackOf(key, batchId)).toEqual({ status: "delivered", attempts: 1, lastError: null });
  });

  it("does not follow a redirect: the attempt fails, is retried, and says why", async () => {
    const url = "https://hooks.example.com/moved";
    const { key, tenantId, batchId } = await completedBatch(url);
    const spy = vi
      .spyOn(globalThis, "fetch")
      .mockResolvedValue(new Response(null, { status: 302, headers: { location: "http://10.0.0.1/" } }));
    try {
      const result = await run("callback-deliveries", { kind: "callback", tenantId, batchId, url });
      expect(result.retryMessages).toHaveLength(1);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    expect(await callbackOf(key, batchId)).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: expect.stringMatching(/302.*redirects are not followed/),
    });
  });

  it("records a timeout as the attempt's error", async () => {
    const url = "https://hooks.example.com/slow";
    const { key, tenantId, batchId } = await completedBatch(url);
    const spy = vi
      .spyOn(globalThis, "fetch")
      .mockRejectedValue(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    try {
      await run("callback-deliveries", { kind: "callback", tenantId, batchId, url });
    } finally {
      spy.mockRestore();
    }
    expect(await callbackOf(key, batchId)).toMatchObject({ lastError: "no answer within 10 s" });
  });

  it("never calls a refused host, even one already queued, and fails the callback at once", async () => {
    const url = "https://169.254.169.254/latest";
    const { key, tenantId, batchId } = await completedBatch(url);
    const spy = vi.spyOn(globalThis, "fetch");
    try {
      const result = await run("callback-deliveries", { kind: "callback", tenantId, batchId, url });
      expect(result.retryMessages).toEqual([]);
      expect(result.explicitAcks).toEqual(["m0"]);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(await callbackOf(key, batchId)).toMatchObject({ status: "failed" });
  });

  it("marks the callback failed when it is dead-lettered after every retry", async () => {
    const url = "https://hooks.example.com/down";
    const { key, tenantId, batchId } = await completedBatch(url);
    await run("callback-deliveries-dlq", { kind: "callback", tenantId, batchId, url });
    expect(await callbackOf(key, batchId)).toMatchObject({ status: "failed" });
  });
});
