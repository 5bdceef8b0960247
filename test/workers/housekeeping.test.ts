// Nothing stays stuck and nothing accepted is lost: the cron re-queues the chunks of batches
// pending longer than STUCK_BATCH_SECONDS from their rows in R2 (a few times), then fails them,
// releasing their Idempotency-Key; and it forgets webhook ids that can no longer verify.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { MAX_REDRIVES } from "../../workers/services/sweep-stuck-batches.ts";
import { adapters, api, createTenantKey, deliver, ensureModel, makeRows, newBatch, postBatch } from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

beforeAll(async () => {
  await ensureModel();
});

async function runCron(overrides: Partial<Env> = {}) {
  const ctx = createExecutionContext();
  const controller = createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" });
  const recording = recordingEnv(overrides);
  await worker.scheduled(controller, recording.env, ctx);
  await waitOnExecutionContext(ctx);
  return recording.sent;
}

async function pendingBatch(tenantId: string, ageSeconds: number, idempotencyKey: string | null = null) {
  const batch = await newBatch(tenantId, 2, 1, null, idempotencyKey);
  await env.DB.prepare("UPDATE batches SET created_at = ? WHERE id = ?")
    .bind(Date.now() - ageSeconds * 1000, batch.id)
    .run();
  return batch.id;
}

const statusOf = async (key: string, id: string) =>
  (await api(`/v1/batches/${id}`, { key })).json<{ status: string; error: string | null; predictions: unknown[] }>();

const requeued = (sent: { queue: string; body: unknown }[], id: string) =>
  sent.filter((m) => m.queue === "score-jobs" && (m.body as { batchId: string }).batchId === id);

describe("the stuck-batch sweeper", () => {
  it("re-queues a stuck batch's chunks from its rows in R2, and the batch completes with every row once", async () => {
    const { key, tenantId } = await createTenantKey();
    // A batch accepted (rows in R2) whose messages were lost.
    const stuck = await pendingBatch(tenantId, 601);
    const fresh = await pendingBatch(tenantId, 5);
    const sent = await runCron();
    expect(requeued(sent, fresh)).toEqual([]);
    const jobs = requeued(sent, stuck);
    expect(jobs).toHaveLength(1);
    // Delivered twice (the lost message turned up after all): still one result per row.
    await deliver("score-jobs", [jobs[0].body, jobs[0].body]);
    const body = await statusOf(key, stuck);
    expect(body.status).toBe("complete");
    expect(body.predictions).toHaveLength(2);
  });

  it("fails a stuck batch whose rows are not in R2 with the reason, and releases its Idempotency-Key", async () => {
    const { key, tenantId } = await createTenantKey();
    const stuck = await pendingBatch(tenantId, 601, "order-42");
    await adapters().rows.deleteBatch(tenantId, stuck);
    await runCron();
    expect(await statusOf(key, stuck)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/Not scored within 600 s/),
    });
    const retried = await postBatch(key, { features: makeRows(2) }, { "idempotency-key": "order-42" });
    expect(retried.status).toBe(202);
    expect((await retried.json<{ batchId: string }>()).batchId).not.toBe(stuck);
  });

  it(`fails a batch still stuck after ${MAX_REDRIVES} re-drives`, async () => {
    const { key, tenantId } = await createTenantKey();
    const stuck = await pendingBatch(tenantId, 700);
    for (let i = 0; i < MAX_REDRIVES; i++) expect(requeued(await runCron(), stuck)).toHaveLength(1);
    expect(requeued(await runCron(), stuck)).toEqual([]);
    expect(await statusOf(key, stuck)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(new RegExp(`after ${MAX_REDRIVES} re-tries`)),
    });
  });

  it("honours STUCK_BATCH_SECONDS from the environment", async () => {
    const { tenantId } = await createTenantKey();
    const id = await pendingBatch(tenantId, 10);
    expect(requeued(await runCron(), id)).toEqual([]);
    expect(requeued(await runCron({ STUCK_BATCH_SECONDS: "5" } as unknown as Partial<Env>), id)).toHaveLength(1);
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
