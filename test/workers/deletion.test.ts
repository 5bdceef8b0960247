// Deleting data: DELETE /v1/batches/:id takes a batch's rows, chunks, labels and cached result
// everywhere at once (audited), and the cron deletes batches past their tenant's retention.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index.ts";
import { api, createTenantKey, ensureModel, makeRows, postBatch } from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

beforeAll(async () => {
  await ensureModel();
});

const count = async (sql: string, id: string) => (await env.DB.prepare(sql).bind(id).first<{ n: number }>())?.n;

/** A complete batch with two labelled rows. */
async function labelledBatch(key: string) {
  const { batchId } = await (await postBatch(key, { features: makeRows(3) })).json<{ batchId: string }>();
  await vi.waitFor(
    async () => {
      if (!(await env.KV.get(`result:${batchId}`))) throw new Error("not complete yet");
    },
    { timeout: 10_000, interval: 25 },
  );
  await api(`/v1/batches/${batchId}/feedback`, {
    method: "POST",
    key,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rows: [0, 1], labels: [1, 0] }),
  });
  await vi.waitFor(
    async () => expect(await count("SELECT count(*) AS n FROM feedback WHERE batch_id = ?", batchId)).toBe(2),
    {
      timeout: 10_000,
      interval: 25,
    },
  );
  return batchId;
}

async function leftOf(batchId: string) {
  const objects = await env.BUCKET.list({ prefix: "rows/" });
  return {
    batches: await count("SELECT count(*) AS n FROM batches WHERE id = ?", batchId),
    // Its input frame and its chunk's scores in R2.
    rowObjects: objects.objects.filter((o) => o.key.includes(`/${batchId}/`)).length,
    feedback: await count("SELECT count(*) AS n FROM feedback WHERE batch_id = ?", batchId),
    cached: (await env.KV.get(`result:${batchId}`)) !== null,
  };
}

const gone = { batches: 0, rowObjects: 0, feedback: 0, cached: false };

describe("DELETE /v1/batches/:id", () => {
  it("removes the batch's rows in R2, its labels and cached result, and audits it", async () => {
    const { key, tenantId } = await createTenantKey();
    const batchId = await labelledBatch(key);
    const response = await api(`/v1/batches/${batchId}`, { method: "DELETE", key });
    expect(response.status).toBe(204);
    expect(await leftOf(batchId)).toEqual(gone);
    expect((await api(`/v1/batches/${batchId}`, { key })).status).toBe(404);
    const audit = await env.DB.prepare("SELECT actor, action FROM audit_log WHERE subject = ? AND tenant_id = ?")
      .bind(batchId, tenantId)
      .first<{ actor: string; action: string }>();
    expect(audit).toMatchObject({ action: "batch.deleted", actor: expect.stringMatching(/^key:/) });
  });

  it("cannot touch another tenant's batch, and needs the admin scope", async () => {
    const owner = await createTenantKey();
    const batchId = await labelledBatch(owner.key);
    const other = await createTenantKey();
    expect((await api(`/v1/batches/${batchId}`, { method: "DELETE", key: other.key })).status).toBe(404);
    const reader = await createTenantKey(["read", "ingest"]);
    expect((await api(`/v1/batches/${batchId}`, { method: "DELETE", key: reader.key })).status).toBe(403);
    expect((await leftOf(batchId)).rowObjects).toBe(2);
  });
});

describe("retention", () => {
  async function runCron() {
    const ctx = createExecutionContext();
    const controller = createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" });
    await worker.scheduled(controller, recordingEnv().env, ctx);
    await waitOnExecutionContext(ctx);
  }
  const age = (batchId: string, days: number) =>
    env.DB.prepare("UPDATE batches SET created_at = ? WHERE id = ?")
      .bind(Date.now() - days * 86_400_000, batchId)
      .run();

  it("deletes batches older than RETENTION_DAYS and keeps younger ones", async () => {
    const { key } = await createTenantKey();
    const old = await labelledBatch(key);
    const young = await labelledBatch(key);
    await age(old, Number(env.RETENTION_DAYS) + 1);
    await age(young, Number(env.RETENTION_DAYS) - 1);
    await runCron();
    expect(await leftOf(old)).toEqual(gone);
    expect((await leftOf(young)).rowObjects).toBe(2);
  });

  it("honours a tenant's own retention", async () => {
    const { key, tenantId } = await createTenantKey();
    const batchId = await labelledBatch(key);
    await env.DB.prepare("UPDATE tenants SET retention_days = 2 WHERE id = ?").bind(tenantId).run();
    await age(batchId, 3);
    await runCron();
    expect(await leftOf(batchId)).toEqual(gone);
  });
});
