// Saved labels on a batch read (issue 15): a batch page reloaded shows the true labels people
// saved, with GET /v1/batches/{id}?feedback=1. Labels change after the batch completes, so they
// are read from D1 when asked and never served from (or written to) the cached result; without
// the flag the read is the cached text as before. Labels go through the feedback queue's
// consumer, called directly with what the API queued.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchResult } from "../../workers/contract/api.ts";
import { adapters, api, callRecorded, createTenantKey, deliver, ensureModel, newBatch, scoreJobs } from "./helpers.ts";

interface Read {
  status: string;
  source?: string;
  predictions: { row: number; feedback?: 0 | 1 | null; contributions?: Record<string, number> }[];
}

beforeAll(async () => {
  await ensureModel();
});

/** A tenant's completed 3-row batch, its result cached in KV as the scorer publishes it. */
async function completedBatch() {
  const tenant = await createTenantKey();
  const batch = await newBatch(tenant.tenantId, 3, 1);
  await deliver("score-jobs", scoreJobs(batch));
  expect(await adapters().results.getResultText(batch.id)).not.toBeNull();
  return { ...tenant, batchId: batch.id };
}

/** Labels rows through the API, then runs the feedback consumer on what it queued. */
async function label(key: string, batchId: string, rows: number[], labels: (0 | 1)[]) {
  const { response, sent } = await callRecorded(`/v1/batches/${batchId}/feedback`, {
    method: "POST",
    key,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rows, labels }),
  });
  expect(response.status).toBe(202);
  const events = sent.filter((m) => m.queue === "feedback-events").map((m) => m.body);
  expect(events).toHaveLength(1);
  expect((await deliver("feedback-events", events)).explicitAcks).toEqual(["m0"]);
}

const read = async (key: string, batchId: string, query = "") => {
  const response = await api(`/v1/batches/${batchId}${query}`, { key });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<Read>();
};
const feedbackOf = async (key: string, batchId: string, query = "?feedback=1") =>
  (await read(key, batchId, query)).predictions.map((p) => p.feedback);

describe("GET /v1/batches/{id}?feedback=1", () => {
  it("adds each row's latest saved label, null where none was saved, and only when asked", async () => {
    const { key, batchId } = await completedBatch();
    await label(key, batchId, [0, 2], [1, 0]);
    expect(await feedbackOf(key, batchId)).toEqual([1, null, 0]);
    expect(await feedbackOf(key, batchId, "?feedback=true")).toEqual([1, null, 0]);
    const plain = await read(key, batchId);
    expect(plain.predictions.every((p) => !("feedback" in p))).toBe(true);
    expect((await read(key, batchId, "?feedback=0")).predictions.every((p) => !("feedback" in p))).toBe(true);
  });

  it("shows a label changed after the first read: labels are never cached", async () => {
    const { key, batchId } = await completedBatch();
    await label(key, batchId, [1], [1]);
    expect(await feedbackOf(key, batchId)).toEqual([null, 1, null]);
    await label(key, batchId, [1, 0], [0, 0]);
    expect(await feedbackOf(key, batchId)).toEqual([0, 0, null]);
    const cached = await adapters().results.getResultText(batchId);
    expect(cached?.text).not.toContain("feedback");
  });

  it("adds labels and contributions together when both are asked for", async () => {
    const { key, batchId } = await completedBatch();
    await label(key, batchId, [0], [0]);
    const both = await read(key, batchId, "?explain=1&feedback=1");
    expect(both.predictions.map((p) => p.feedback)).toEqual([0, null, null]);
    for (const p of both.predictions) expect(Object.keys(p.contributions ?? {})).toHaveLength(4);
  });

  it("never shows another tenant the batch or its labels", async () => {
    const { key, batchId } = await completedBatch();
    await label(key, batchId, [0], [1]);
    const other = await createTenantKey(["read"], { model: false });
    for (const query of ["?feedback=1", "?feedback=1&explain=1", ""]) {
      const response = await api(`/v1/batches/${batchId}${query}`, { key: other.key });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('"feedback"');
    }
  });

  it("answers a pending batch without predictions, and refuses a flag it does not know", async () => {
    const { key, tenantId } = await createTenantKey();
    const pending = await newBatch(tenantId, 2, 1);
    expect(await read(key, pending.id, "?feedback=1")).toMatchObject({ status: "pending", predictions: [] });
    const bad = await api(`/v1/batches/${pending.id}?feedback=yes`, { key });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: "INVALID_REQUEST", message: expect.stringContaining("feedback") },
    });
  });
});

describe("a result cached before the batch summary fields existed", () => {
  it("still parses, is served as stored, and takes labels when asked", async () => {
    const { key, batchId } = await completedBatch();
    const stored = JSON.parse((await adapters().results.getResultText(batchId))?.text ?? "null");
    expect(stored).toMatchObject({ source: "api", modelVersion: "seed-1" });
    const { source: _s, positives: _p, modelVersion: _m, ...old } = stored as Record<string, unknown>;
    expect(BatchResult.safeParse(old).success).toBe(true);
    const { value, metadata } = await env.KV.getWithMetadata(`result:${batchId}`);
    expect(value).not.toBeNull();
    await env.KV.put(`result:${batchId}`, JSON.stringify(old), { metadata });
    expect(await read(key, batchId)).not.toHaveProperty("source");
    await label(key, batchId, [2], [1]);
    expect(await feedbackOf(key, batchId)).toEqual([null, null, 1]);
  });
});
