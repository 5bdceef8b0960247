// Nothing stays stuck: the cron fails (or, when every row is stored, completes) batches pending
// longer than STUCK_BATCH_SECONDS, releasing their Idempotency-Key, and forgets webhook ids that
// can no longer verify.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { api, createTenantKey, ensureModel, makeRows, newBatch, postBatch } from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

beforeAll(async () => {
  await ensureModel();
});

async function runCron(overrides: Partial<Env> = {}) {
  const ctx = createExecutionContext();
  const controller = createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" });
  await worker.scheduled(controller, recordingEnv(overrides).env, ctx);
  await waitOnExecutionContext(ctx);
}

async function pendingBatch(tenantId: string, ageSeconds: number, idempotencyKey: string | null = null) {
  const batch = await newBatch(tenantId, 2, 1, null, idempotencyKey);
  await env.DB.prepare("UPDATE batches SET created_at = ? WHERE id = ?")
    .bind(Date.now() - ageSeconds * 1000, batch.id)
    .run();
  return batch.id;
}

const statusOf = async (key: string, id: string) =>
  (await api(`/v1/batches/${id}`, { key })).json<{ status: string; error: string | null }>();

describe("the stuck-batch sweeper", () => {
  it("fails a batch pending past STUCK_BATCH_SECONDS with the reason, and releases its Idempotency-Key", async () => {
    const { key, tenantId } = await createTenantKey();
    const features = makeRows(2);
    // A batch recorded under this key whose chunks never reached the queue.
    const stuck = await pendingBatch(tenantId, 601, "order-42");
    const fresh = await pendingBatch(tenantId, 5);
    await runCron();
    expect(await statusOf(key, stuck)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/never queued/),
    });
    expect((await statusOf(key, fresh)).status).toBe("pending");
    const retried = await postBatch(key, { features }, { "idempotency-key": "order-42" });
    expect(retried.status).toBe(202);
    expect((await retried.json<{ batchId: string }>()).batchId).not.toBe(stuck);
  });

  it("honours STUCK_BATCH_SECONDS from the environment", async () => {
    const { key, tenantId } = await createTenantKey();
    const id = await pendingBatch(tenantId, 10);
    await runCron({ STUCK_BATCH_SECONDS: "5" } as unknown as Partial<Env>);
    expect((await statusOf(key, id)).status).toBe("failed");
  });

  it("completes and publishes a stuck batch whose every row is stored", async () => {
    const { key, tenantId } = await createTenantKey();
    const id = await pendingBatch(tenantId, 700);
    for (const row of [0, 1]) {
      await env.DB.prepare(
        "INSERT INTO predictions (batch_id, row, features, label, margin, model_version, scored_at) VALUES (?, ?, '[0,0,0,0]', 1, 0.5, 'seed-1', ?)",
      )
        .bind(id, row, Date.now())
        .run();
    }
    await runCron();
    const body = await (await api(`/v1/batches/${id}`, { key })).json<{ status: string; predictions: unknown[] }>();
    expect(body.status).toBe("complete");
    expect(body.predictions).toHaveLength(2);
  });
});

describe("webhook ids", () => {
  it("are pruned once they are older than twice the signature tolerance", async () => {
    const { tenantId } = await createTenantKey();
    const insert = (id: string, at: number) =>
      env.DB.prepare("INSERT INTO webhook_deliveries (tenant_id, webhook_id, received_at) VALUES (?, ?, ?)")
        .bind(tenantId, id, at)
        .run();
    await insert("old", Date.now() - 11 * 60 * 1000);
    await insert("recent", Date.now() - 60 * 1000);
    await runCron();
    const left = await env.DB.prepare("SELECT webhook_id AS id FROM webhook_deliveries WHERE tenant_id = ?")
      .bind(tenantId)
      .all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual(["recent"]);
  });
});
