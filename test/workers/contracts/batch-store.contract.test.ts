// The batch-store contract: a batch is created pending (once per idempotency key and tenant),
// found by its tenant, listed newest first in keyset pages without the rows /v1/predict logged,
// failed (freeing its key when asked) or completed once, its counts reaching the rollups once;
// the cron finds stuck and expired batches, deletion takes a batch's labels with it.
import { expect, it } from "vitest";
import { PREDICT_SOURCE } from "../../../workers/adapters/batch-store.ts";
import { batchId, completedBatch, delta, describeTables, H0, judged, newBatch } from "./tables.ts";

const DAY = 86_400_000;
// The stuck and expired batches are found across every tenant in the shared D1, so this file's
// are dated long ago (before any other batch), each run of the file earlier than the last.
const T = 2 * Date.UTC(1990, 0, 1) - Date.now();

describeTables("BatchStore", (make) => {
  it("creates a pending batch, found by its tenant and by id alone, and by no other tenant", async () => {
    const { batches, addTenant } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    const before = Date.now();
    const asked = newBatch(tenantId, { callbackUrl: "https://example.com/done" });
    const { created, batch } = await batches.createBatch(asked);
    expect(created).toBe(true);
    expect(batch).toEqual({
      ...asked,
      status: "pending",
      done: 0,
      idempotencyKey: null,
      callbackStatus: "pending",
      callbackAttempts: 0,
      callbackError: null,
      source: "api",
      error: null,
      redrives: 0,
      createdAt: expect.any(Number),
      completedAt: null,
      positives: null,
      modelVersion: null,
    });
    expect(batch.createdAt).toBeGreaterThanOrEqual(before);
    expect(await batches.findBatch(tenantId, batch.id)).toEqual(batch);
    expect(await batches.getBatch(batch.id)).toEqual(batch);
    expect(await batches.findBatch(other, batch.id)).toBeNull();
    expect(await batches.getBatch(batchId())).toBeNull();
    const plain = await batches.createBatch(newBatch(tenantId, { source: "dashboard" }));
    expect(plain.batch).toMatchObject({ callbackUrl: null, callbackStatus: null, source: "dashboard" });
  });

  it("answers a reused idempotency key with the tenant's first batch; a key is the tenant's own", async () => {
    const { batches, addTenant } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    const first = await batches.createBatch(newBatch(tenantId, { idempotencyKey: "k-1", bodyHash: "a" }));
    const again = await batches.createBatch(newBatch(tenantId, { idempotencyKey: "k-1", bodyHash: "b" }));
    expect(again).toEqual({ created: false, batch: first.batch });
    expect((await batches.createBatch(newBatch(other, { idempotencyKey: "k-1" }))).created).toBe(true);
    const [x, y] = [await batches.createBatch(newBatch(tenantId)), await batches.createBatch(newBatch(tenantId))];
    expect([x.created, y.created]).toEqual([true, true]);
  });

  it("refuses a batch of a tenant that does not exist", async () => {
    const { batches } = await make();
    await expect(batches.createBatch(newBatch("ten_nobody"))).rejects.toThrow();
  });

  it("lists the tenant's batches newest first in keyset pages, without rows logged by /v1/predict", async () => {
    const { batches, addTenant, backdate } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    const ids = ["bat_a", "bat_c", "bat_b", "bat_d"].map((name) => `${name}${batchId().slice(4)}`);
    for (const [k, at] of [100, 200, 200, 300].entries()) {
      await batches.createBatch(newBatch(tenantId, { id: ids[k] }));
      await backdate(ids[k], at);
    }
    const logged = await batches.createBatch(newBatch(tenantId, { source: PREDICT_SOURCE }));
    await backdate(logged.batch.id, 250);
    await batches.recordLoggedBatch(newBatch(tenantId, { source: PREDICT_SOURCE }), 400, []);
    await batches.createBatch(newBatch(other));
    const order = [ids[3], ids[1], ids[2], ids[0]];
    expect((await batches.listBatches(tenantId, 10, null)).map((b) => b.id)).toEqual(order);
    const page = await batches.listBatches(tenantId, 2, null);
    expect(page.map((b) => b.id)).toEqual(order.slice(0, 2));
    const next = await batches.listBatches(tenantId, 2, { createdAt: page[1].createdAt, id: page[1].id });
    expect(next.map((b) => b.id)).toEqual(order.slice(2));
    expect(await batches.listBatches(tenantId, 2, { createdAt: 100, id: ids[0] })).toEqual([]);
  });

  it("fails only a pending batch, and frees its key for a retry only when asked to", async () => {
    const { batches, addTenant } = await make();
    const tenantId = await addTenant();
    const kept = (await batches.createBatch(newBatch(tenantId, { idempotencyKey: "kept" }))).batch;
    await batches.markFailed(kept.id, "no model");
    expect(await batches.getBatch(kept.id)).toMatchObject({
      status: "failed",
      error: "no model",
      idempotencyKey: "kept",
      completedAt: expect.any(Number),
    });
    expect(await batches.createBatch(newBatch(tenantId, { idempotencyKey: "kept" }))).toMatchObject({
      created: false,
      batch: { id: kept.id },
    });
    const freed = (await batches.createBatch(newBatch(tenantId, { idempotencyKey: "freed" }))).batch;
    await batches.markFailed(freed.id, "R2 down", true);
    expect(await batches.getBatch(freed.id)).toMatchObject({ status: "failed", idempotencyKey: null });
    expect((await batches.createBatch(newBatch(tenantId, { idempotencyKey: "freed" }))).created).toBe(true);
    const done = await completedBatch(batches, tenantId, H0);
    await batches.markFailed(done, "too late");
    expect(await batches.getBatch(done)).toMatchObject({ status: "complete", error: null });
  });

  it("completes a pending batch once: completing it again changes nothing and counts nothing", async () => {
    const { batches, metrics, addTenant } = await make();
    const tenantId = await addTenant();
    const { batch } = await batches.createBatch(newBatch(tenantId, { rows: 5 }));
    const deltas = [
      delta(tenantId, H0, { rows: 3, positives: 2, bins: [1, 2], latency: [0, 1] }),
      delta(tenantId, H0, { modelVersion: "v2", batches: 0, rows: 2, positives: 0, bins: [0, 2], latency: [0, 0] }),
    ];
    const completed = await batches.completeBatch(batch.id, H0 + 5, deltas);
    expect(completed).toEqual({
      ...batch,
      status: "complete",
      done: 5,
      completedAt: H0 + 5,
      positives: 2,
      modelVersion: "v1",
    });
    expect(await batches.completeBatch(batch.id, H0 + 9, deltas)).toEqual(completed);
    expect(await metrics.volumeSince(tenantId, 0)).toEqual({ batches: 1, rows: 5, feedback: 0, latency: [0, 1] });
    expect(await metrics.trafficSince(tenantId, "v1", 0)).toEqual({ rows: 3, bins: [1, 2] });
    expect(await metrics.trafficSince(tenantId, "v2", 0)).toEqual({ rows: 2, bins: [0, 2] });
  });

  it("records the batch's positives and the version that scored most rows, the first on a tie, once", async () => {
    const { batches, addTenant } = await make();
    const tenantId = await addTenant();
    const complete = async (deltas: ReturnType<typeof delta>[]) => {
      const { batch } = await batches.createBatch(newBatch(tenantId, { rows: 4 }));
      return batches.completeBatch(batch.id, H0, deltas);
    };
    const mostly = [
      delta(tenantId, H0, { modelVersion: "v1", rows: 1, positives: 1 }),
      delta(tenantId, H0, { modelVersion: "v2", rows: 3, positives: 2 }),
    ];
    expect(await complete(mostly)).toMatchObject({ positives: 3, modelVersion: "v2" });
    const tied = [
      delta(tenantId, H0, { modelVersion: "v9", rows: 2, positives: 0 }),
      delta(tenantId, H0, { modelVersion: "v1", rows: 2, positives: 0 }),
    ];
    const first = await complete(tied);
    expect(first).toMatchObject({ positives: 0, modelVersion: "v9" });
    // A redelivered last chunk finds the batch complete: what it would record is ignored.
    const again = await batches.completeBatch(first?.id ?? "", H0 + 1, [delta(tenantId, H0, { positives: 4 })]);
    expect(again).toMatchObject({ positives: 0, modelVersion: "v9", completedAt: H0 });
  });

  it("completes and counts nothing for a failed or unknown batch", async () => {
    const { batches, metrics, addTenant } = await make();
    const tenantId = await addTenant();
    const { batch } = await batches.createBatch(newBatch(tenantId));
    await batches.markFailed(batch.id, "gone");
    expect(await batches.completeBatch(batch.id, H0, [delta(tenantId, H0)])).toMatchObject({ status: "failed" });
    expect(await batches.completeBatch(batchId(), H0, [delta(tenantId, H0)])).toBeNull();
    expect(await metrics.volumeSince(tenantId, 0)).toEqual({ batches: 0, rows: 0, feedback: 0, latency: [] });
  });

  it("records a logged batch complete, counted once, and keeps it out of the list", async () => {
    const { batches, metrics, addTenant } = await make();
    const tenantId = await addTenant();
    const logged = newBatch(tenantId, { rows: 4, chunks: 2, source: PREDICT_SOURCE, idempotencyKey: "ignored" });
    const deltas = [delta(tenantId, H0, { rows: 4 })];
    await batches.recordLoggedBatch(logged, H0 + 7, deltas);
    await batches.recordLoggedBatch(logged, H0 + 8, deltas);
    expect(await batches.getBatch(logged.id)).toEqual({
      ...logged,
      status: "complete",
      done: 4,
      idempotencyKey: null,
      bodyHash: "",
      callbackUrl: null,
      callbackStatus: null,
      callbackAttempts: 0,
      callbackError: null,
      error: null,
      redrives: 0,
      createdAt: H0 + 7,
      completedAt: H0 + 7,
      positives: 1,
      modelVersion: "v1",
    });
    expect(await metrics.volumeSince(tenantId, 0)).toMatchObject({ batches: 1, rows: 4 });
    expect(await batches.listBatches(tenantId, 10, null)).toEqual([]);
  });

  it("counts re-drives and lists pending batches created before a time, oldest first", async () => {
    const { batches, addTenant, backdate } = await make();
    const tenantId = await addTenant();
    const made: string[] = [];
    for (const at of [T - 3, T - 3, T - 2, T - 1, T]) {
      const { batch } = await batches.createBatch(newBatch(tenantId));
      await backdate(batch.id, at);
      made.push(batch.id);
    }
    const [oldest, twin, finished, failed, atCutOff] = made;
    await batches.completeBatch(finished, H0, []);
    await batches.markFailed(failed, "boom");
    await batches.markRedriven(twin);
    await batches.markRedriven(twin);
    const stuck = await batches.listStuck(T, 10);
    const mine = stuck.filter((b) => made.includes(b.id));
    expect(mine.map((b) => [b.id, b.redrives])).toEqual([
      [oldest, 0],
      [twin, 2],
    ]);
    expect((await batches.listStuck(T, 1)).map((b) => b.id)).toEqual([oldest]);
    expect((await batches.listStuck(T + 1, 10)).map((b) => b.id)).toContain(atCutOff);
  });

  it("deletes a tenant's batch with its labels, leaving what it added to the rollups", async () => {
    const { batches, feedback, metrics, addTenant } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    const id = await completedBatch(batches, tenantId, H0);
    await feedback.recordLabels(tenantId, judged(id, [[0, 1, 1, "v1"]]), "api", H0 + 1);
    expect(await batches.deleteBatch(other, id)).toBe(false);
    expect(await batches.getBatch(id)).not.toBeNull();
    expect(await batches.deleteBatch(tenantId, id)).toBe(true);
    expect(await batches.findBatch(tenantId, id)).toBeNull();
    expect((await feedback.labelsOfBatch(id)).size).toBe(0);
    expect(await batches.deleteBatch(tenantId, id)).toBe(false);
    expect(await metrics.volumeSince(tenantId, 0)).toMatchObject({ batches: 1, rows: 3, feedback: 1 });
  });

  it("lists batches past their tenant's retention, or the default, oldest first", async () => {
    const { batches, addTenant, backdate, setRetention } = await make();
    const [plain, keeper] = [await addTenant(), await addTenant()];
    await setRetention(keeper, 1);
    // Earlier than the stuck batches above, so the limit can be checked exactly; failed, so never stuck.
    const at = T - DAY;
    const made: string[] = [];
    for (const [tenantId, createdAt] of [
      [plain, at - 3],
      [keeper, at - 2],
      [plain, at - 1],
    ] as const) {
      const { batch } = await batches.createBatch(newBatch(tenantId));
      await batches.markFailed(batch.id, "old");
      await backdate(batch.id, createdAt);
      made.push(batch.id);
    }
    const mine = async (defaultDays: number, now: number) =>
      (await batches.listExpired(defaultDays, now, 100)).filter((b) => made.includes(b.id));
    expect(await mine(0, at)).toEqual([
      { id: made[0], tenantId: plain },
      { id: made[2], tenantId: plain },
    ]);
    expect(await batches.listExpired(0, at, 1)).toEqual([{ id: made[0], tenantId: plain }]);
    expect(await mine(1, at)).toEqual([]);
    expect(await mine(5, at + DAY)).toEqual([{ id: made[1], tenantId: keeper }]);
  });

  it("records a callback's outcome, its error cut to 500 characters, counting attempts made", async () => {
    const { batches, addTenant } = await make();
    const { batch } = await batches.createBatch(newBatch(await addTenant(), { callbackUrl: "https://example.com/" }));
    await batches.recordCallback(batch.id, { status: "pending", error: "x".repeat(600), attempted: true });
    expect(await batches.getBatch(batch.id)).toMatchObject({
      callbackStatus: "pending",
      callbackError: "x".repeat(500),
      callbackAttempts: 1,
    });
    await batches.recordCallback(batch.id, { status: "failed", attempted: true });
    expect(await batches.getBatch(batch.id)).toMatchObject({
      callbackStatus: "failed",
      callbackError: "x".repeat(500),
    });
    await batches.recordCallback(batch.id, { status: "delivered", error: null });
    expect(await batches.getBatch(batch.id)).toMatchObject({
      callbackStatus: "delivered",
      callbackError: null,
      callbackAttempts: 2,
    });
    await batches.recordCallback(batchId(), { status: "delivered" });
  });
});
