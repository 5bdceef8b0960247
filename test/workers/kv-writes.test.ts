// KV is written only by the code that finishes something, never by a reader: a miss costs a
// D1 or R2 read and no write (KV takes one write per second per key), and results expire.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { resetServingCache } from "../../workers/services/serving-model.ts";
import { api, createTenantKey, ensureModel, makeRows, postBatch } from "./helpers.ts";

beforeAll(async () => {
  await ensureModel();
});

async function completedBatch() {
  const t = await createTenantKey();
  const { batchId } = await (await postBatch(t.key, { features: makeRows(3) })).json<{ batchId: string }>();
  await vi.waitFor(
    async () => {
      if (!(await env.KV.get(`result:${batchId}`))) throw new Error("not published yet");
    },
    { timeout: 10_000, interval: 25 },
  );
  return { ...t, batchId };
}

describe("finished results in KV", () => {
  it("expire after RESULT_TTL_SECONDS", async () => {
    const { batchId } = await completedBatch();
    const { keys } = await env.KV.list({ prefix: `result:${batchId}` });
    const ttl = Number(env.RESULT_TTL_SECONDS);
    expect(keys[0]?.expiration).toBeGreaterThan(Date.now() / 1000 + ttl - 120);
    expect(keys[0]?.expiration).toBeLessThan(Date.now() / 1000 + ttl + 120);
  });

  it("are not written back by a read that misses KV: D1 answers", async () => {
    const { key, batchId } = await completedBatch();
    await env.KV.delete(`result:${batchId}`);
    const body = await (
      await api(`/v1/batches/${batchId}`, { key })
    ).json<{ status: string; predictions: unknown[] }>();
    expect(body).toMatchObject({ status: "complete" });
    expect(body.predictions).toHaveLength(3);
    expect(await env.KV.get(`result:${batchId}`)).toBeNull();
  });
});

describe("model copies in KV", () => {
  it("are not written by a cold reader: a missing copy is read from R2", async () => {
    const { key, tenantId } = await createTenantKey();
    const copy = `model:${tenantId}:seed-1`;
    expect(await env.KV.get(copy)).not.toBeNull();
    await env.KV.delete(copy);
    resetServingCache();
    const response = await api("/v1/predict", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ features: makeRows(1), log: false }),
    });
    expect(response.status).toBe(200);
    expect(await env.KV.get(copy)).toBeNull();
  });
});
