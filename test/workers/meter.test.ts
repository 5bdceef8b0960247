// The usage meter (adapters/meter/) and its route: D1 rows as D1's own meta reports them,
// KV, R2, queue and Durable Object counters, and a route that exists only with METER "on".
import { createExecutionContext, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { createAdapters } from "../../workers/adapters/index.ts";
import { meterEnv, meterInvocation, readMeter, resetMeter } from "../../workers/adapters/meter/index.ts";
import { api, createTenantKey } from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

const metered = () => meterEnv({ ...env });

describe("the meter's D1 counts", () => {
  beforeAll(async () => {
    // An index makes each inserted row two rows written, as D1 bills it.
    await env.DB.batch([
      env.DB.prepare("CREATE TABLE IF NOT EXISTS meter_probe (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"),
      env.DB.prepare("CREATE INDEX IF NOT EXISTS meter_probe_v ON meter_probe (v)"),
    ]);
  });
  beforeEach(() => resetMeter());

  it("counts the rows an insert writes exactly as D1's meta reports them", async () => {
    const result = await metered()
      .DB.prepare("INSERT INTO meter_probe (v) VALUES (?), (?), (?)")
      .bind("a", "b", "c")
      .run();
    expect(result.meta.rows_written).toBeGreaterThanOrEqual(3);
    const { d1 } = readMeter();
    expect(d1).toMatchObject({ statements: 1, rowsWritten: result.meta.rows_written, rowsRead: result.meta.rows_read });
    expect(d1.sizeLastBytes).toBe(result.meta.size_after);
  });

  it("sums the meta of every statement of a batch", async () => {
    const db = metered().DB;
    const results = await db.batch([
      db.prepare("INSERT INTO meter_probe (v) VALUES (?)").bind("x"),
      db.prepare("UPDATE meter_probe SET v = ? WHERE v = ?").bind("y", "x"),
    ]);
    const written = results.reduce((sum, r) => sum + r.meta.rows_written, 0);
    expect(readMeter().d1).toMatchObject({ batches: 1, statements: 2, rowsWritten: written });
  });

  it("runs first() and raw() through all(), keeping their answers and D1's meta", async () => {
    const sql = "SELECT id, v, length(v) AS n FROM meter_probe ORDER BY id";
    const direct = await env.DB.prepare(sql).all();
    const db = metered().DB;
    expect(await db.prepare(sql).first()).toEqual(await env.DB.prepare(sql).first());
    expect(await db.prepare(sql).first("v")).toBe(await env.DB.prepare(sql).first("v"));
    await expect(db.prepare(sql).first("nope")).rejects.toThrow(/D1_COLUMN_NOTFOUND/);
    expect(await db.prepare(sql).raw()).toEqual(await env.DB.prepare(sql).raw());
    expect(await db.prepare(sql).raw({ columnNames: true })).toEqual(
      await env.DB.prepare(sql).raw({ columnNames: true }),
    );
    expect(readMeter().d1).toMatchObject({ statements: 5, rowsRead: 5 * direct.meta.rows_read, withoutMeta: 0 });
  });

  it("leaves drizzle's answers unchanged (the adapters work over a metered env)", async () => {
    const adapters = createAdapters(metered());
    const { key } = await adapters.keys.createKey(`meter-${crypto.randomUUID().slice(0, 8)}`, ["read"]);
    expect(await adapters.keys.verifyKey(key)).toMatchObject({ scopes: ["read"] });
    expect(readMeter().d1.statements).toBeGreaterThan(0);
  });
});

describe("the meter's KV, R2, queue and Durable Object counts", () => {
  beforeEach(() => resetMeter());

  it("counts KV reads, writes, deletes, lists and the bytes put with their time to live", async () => {
    const kv = metered().KV;
    const key = `meter:${crypto.randomUUID()}`;
    await kv.put(key, "héllo", { expirationTtl: 120 });
    await kv.put(`${key}:2`, new Uint8Array(10));
    expect(await kv.get(key)).toBe("héllo");
    await kv.getWithMetadata(key);
    await kv.list({ prefix: key });
    await kv.delete(key);
    expect(readMeter().kv).toEqual({
      reads: 2,
      writes: 2,
      deletes: 1,
      lists: 1,
      bytesPut: 16,
      unsizedPuts: 0,
      bytesPutWithoutTtl: 10,
      ttlByteSeconds: 6 * 120,
    });
  });

  it("counts R2 class A and class B operations, deletes and the bytes put and deleted", async () => {
    const bucket = metered().BUCKET;
    const key = `meter/${crypto.randomUUID()}`;
    await bucket.put(key, "0123456789");
    expect(await (await bucket.get(key))?.text()).toBe("0123456789");
    await bucket.head(key);
    await bucket.list({ prefix: "meter/" });
    await bucket.delete(key);
    expect(readMeter().r2).toEqual({ classA: 2, classB: 2, deletes: 1, bytesPut: 10, bytesDeleted: 10 });
  });

  it("counts queue messages, their JSON bytes and billed operations, per 64 KB chunk", async () => {
    // Recording producers: the real ones would deliver these bodies to the consumers.
    const queues = meterEnv(recordingEnv().env);
    await queues.SCORE_QUEUE.send({ a: 1 });
    await queues.SCORE_QUEUE.sendBatch([{ body: "x".repeat(70_000) }, { body: [] }]);
    const { queues: counted } = readMeter();
    expect(counted).toMatchObject({ messages: 3, bytes: 7 + 70_002 + 2, operations: 3 + 6 + 3 });
    expect(counted.byBinding.SCORE_QUEUE).toEqual({ messages: 3, bytes: 70_011, operations: 12 });
  });

  it("counts a redelivered message as one more read, and the invocation", () => {
    const batch = createMessageBatch("retrain-jobs", [
      { id: "a", timestamp: new Date(), attempts: 1, body: { n: 1 } },
      { id: "b", timestamp: new Date(), attempts: 3, body: { n: 2 } },
    ]);
    meterInvocation("queue", { ...env, METER: "on" } as Env, batch);
    expect(readMeter()).toMatchObject({
      invocations: { fetch: 0, queue: 1, scheduled: 0 },
      queues: { deliveries: 2, redeliveries: 1, operations: 1 },
    });
  });

  it("counts each fetch or RPC call on a Durable Object stub as one request, with its wall time", async () => {
    const stub = { fetch: async () => new Response("ok"), bump: async (n: number) => n + 1 };
    const namespace = { idFromName: (name: string) => name, get: () => stub };
    const { TRACKER } = meterEnv({ ...env, TRACKER: namespace } as Env) as Env & { TRACKER: typeof namespace };
    const object = TRACKER.get();
    expect(await (await object.fetch()).text()).toBe("ok");
    expect(await object.bump(1)).toBe(2);
    const { durableObjects } = readMeter();
    expect(durableObjects).toMatchObject({ requests: 2, byBinding: { TRACKER: { requests: 2 } } });
    expect(durableObjects.wallMs).toBeGreaterThanOrEqual(0);
  });
});

describe("GET and DELETE /v1/_meter", () => {
  const call = (path: string, method: string, key: string, meter: boolean) =>
    worker.fetch(
      new Request(`http://edge-svm.test${path}`, { method, headers: { authorization: `Bearer ${key}` } }),
      meter ? ({ ...env, METER: "on" } as Env) : env,
      createExecutionContext(),
    );

  it("does not exist unless METER is on: the same 404 as a path that does not exist", async () => {
    const { key } = await createTenantKey(["admin"], { model: false });
    for (const method of ["GET", "DELETE"]) {
      const response = await call("/v1/_meter", method, key, false);
      expect(response.status).toBe(404);
      const unknown = await api("/v1/_nothing", { method, key });
      expect((await response.json()) as object).toMatchObject({ error: { code: "NOT_FOUND" } });
      expect(unknown.status).toBe(404);
    }
  });

  it("with METER on, answers the snapshot to an admin key and resets it on DELETE", async () => {
    const { key } = await createTenantKey(["admin"], { model: false });
    expect((await call("/v1/_meter", "GET", "esk_key_unknown", true)).status).toBe(401);
    expect((await call("/v1/_meter", "DELETE", key, true)).status).toBe(204);
    const response = await call("/v1/_meter", "GET", key, true);
    expect(response.status).toBe(200);
    const snapshot = (await response.json()) as ReturnType<typeof readMeter>;
    // Only the GET itself has happened since the reset.
    expect(snapshot.invocations).toEqual({ fetch: 1, queue: 0, scheduled: 0 });
    expect(snapshot).toHaveProperty("d1.rowsWritten");
    expect((await call("/v1/_meter", "POST", key, true)).status).toBe(404);
  });
});
