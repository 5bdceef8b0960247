// POST /v1/predict logs its rows in the tenant's PredictionLog Durable Object, which coalesces
// them: many one-row calls become one R2 frame and one D1 batch row per flush at two SQLite rows
// a call, every predictionId still labels its own row, a flush that crashed halfway is finished
// with the same segment and no duplicate rows, and a predictionId resolves only for its tenant.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { PredictionLog } from "../../workers/durable/prediction-log.ts";
import type { Adapters } from "../../workers/adapters/index.ts";
import { readMeter, resetMeter } from "../../workers/adapters/meter/index.ts";
import { parsePredictionId } from "../../workers/services/submit-prediction-feedback.ts";
import {
  adapters,
  callRecorded,
  callSettled,
  createTenantKey,
  ensureModel,
  makeRows,
  predictionLogOf,
} from "./helpers.ts";

const json = { "content-type": "application/json" };
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  await ensureModel();
});

interface Answer {
  predictionId: string;
  label: 0 | 1;
}

/** One predict call, its logging finished (the rows are in the log, not yet flushed). */
async function predict(key: string, rows: number[][]) {
  const response = await callSettled("/v1/predict", {
    method: "POST",
    key,
    headers: json,
    body: JSON.stringify({ features: rows }),
  });
  expect(response.status).toBe(200);
  return (await response.json<{ predictions: Answer[] }>()).predictions;
}

/** Moves the object's alarm an hour off, so that only the test decides when it flushes. */
async function holdFlush(tenantId: string) {
  await runInDurableObject(predictionLogOf(tenantId), (_: PredictionLog, state) =>
    state.storage.setAlarm(Date.now() + HOUR_MS),
  );
}

const flush = (tenantId: string) => runDurableObjectAlarm(predictionLogOf(tenantId));

async function storedObjects(tenantId: string) {
  return (await env.BUCKET.list({ prefix: `rows/${tenantId}/` })).objects.map((o) => o.key);
}

async function loggedBatches(tenantId: string) {
  const { results } = await env.DB.prepare(
    "SELECT id, rows, chunks, status FROM batches WHERE tenant_id = ? AND source = 'predict' ORDER BY id",
  )
    .bind(tenantId)
    .all<{ id: string; rows: number; chunks: number; status: string }>();
  return results;
}

async function rolledUp(tenantId: string) {
  return env.DB.prepare("SELECT sum(batches) AS batches, sum(rows) AS rows FROM rollups WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ batches: number; rows: number }>();
}

async function label(key: string, predictionIds: string[], labels: (0 | 1)[]) {
  return callRecorded("/v1/predictions/feedback", {
    method: "POST",
    key,
    headers: json,
    body: JSON.stringify({ predictionIds, labels }),
  });
}

describe("the prediction log", () => {
  it("logs every row of calls answered together, which the isolate appends in one request", async () => {
    const t = await createTenantKey();
    await holdFlush(t.tenantId);
    const rows = makeRows(6, 4, 309);
    // Answered within one 20 ms window: the first call's append carries the others' rows.
    const answers = (await Promise.all(rows.map((row) => predict(t.key, [row])))).map((a) => a[0]);
    expect(await flush(t.tenantId)).toBe(true);
    expect(await loggedBatches(t.tenantId)).toEqual([
      { id: expect.stringMatching(/^bat_seg/), rows: 6, chunks: 1, status: "complete" },
    ]);
    const refs = await adapters().predictionLog.resolve(
      t.tenantId,
      answers.map((a) => a.predictionId.split(".")[0]),
    );
    expect(refs.size).toBe(6);
  });

  it("turns 50 one-row predict calls into one R2 object and one D1 batch row, and every predictionId labels its row", async () => {
    const t = await createTenantKey();
    await holdFlush(t.tenantId);
    const rows = makeRows(50, 4, 301);
    const answers: Answer[] = [];
    for (const row of rows) answers.push((await predict(t.key, [row]))[0]);
    expect(await storedObjects(t.tenantId)).toEqual([]);

    expect(await flush(t.tenantId)).toBe(true);
    expect(await storedObjects(t.tenantId)).toHaveLength(1);
    const batches = await loggedBatches(t.tenantId);
    expect(batches).toEqual([{ id: expect.stringMatching(/^bat_seg/), rows: 50, chunks: 1, status: "complete" }]);
    expect(await rolledUp(t.tenantId)).toEqual({ batches: 1, rows: 50 });

    const ids = answers.map((a) => a.predictionId);
    const labels = ids.map((_, i) => (i % 3 === 0 ? 1 : 0) as 0 | 1);
    const response = await callSettled("/v1/predictions/feedback", {
      method: "POST",
      key: t.key,
      headers: json,
      body: JSON.stringify({ predictionIds: ids, labels }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 50 });

    // Each label lands on the segment row its predictionId was resolved to, judged against
    // what the answer said for it.
    const refs = await adapters().predictionLog.resolve(
      t.tenantId,
      ids.map((id) => parsePredictionId(id).batchId),
    );
    const expected = ids.map((id, i) => {
      const ref = refs.get(parsePredictionId(id).batchId);
      return { batchId: ref?.segment, row: ref?.offset, label: labels[i], predicted: answers[i].label };
    });
    await vi.waitFor(
      async () => {
        const { results } = await env.DB.prepare(
          "SELECT batch_id AS batchId, row, label, predicted FROM feedback WHERE tenant_id = ? ORDER BY row",
        )
          .bind(t.tenantId)
          .all();
        expect(results).toEqual(expected.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)));
      },
      { timeout: 10_000, interval: 25 },
    );
  });

  it("stores a batch id appended twice once", async () => {
    const t = await createTenantKey();
    await holdFlush(t.tenantId);
    const entry = {
      tenantId: t.tenantId,
      batchId: "bat_twice0000000000",
      features: [[1, 2, 3, 4]],
      margins: [0.5],
      labels: [1 as const],
      modelVersion: "seed-1",
    };
    await adapters().predictionLog.append(entry);
    await adapters().predictionLog.append(entry);
    await flush(t.tenantId);
    expect((await loggedBatches(t.tenantId)).map((b) => b.rows)).toEqual([1]);
    expect(await rolledUp(t.tenantId)).toEqual({ batches: 1, rows: 1 });
    const refs = await adapters().predictionLog.resolve(t.tenantId, [entry.batchId]);
    expect(refs.get(entry.batchId)).toMatchObject({ offset: 0, rows: 1 });
  });

  it("costs two SQLite rows written per call, and two per segment flushed", async () => {
    const t = await createTenantKey();
    await holdFlush(t.tenantId);
    const call = (k: number) => ({
      tenantId: t.tenantId,
      batchId: `bat_cost${String(k).padStart(12, "0")}`,
      features: [[1, 2, 3, 4]],
      margins: [0.5],
      labels: [1 as const],
      modelVersion: "seed-1",
    });
    await adapters().predictionLog.append(call(0));
    resetMeter();
    for (let k = 1; k <= 20; k++) await adapters().predictionLog.append(call(k));
    expect(readMeter().durableObjects.storageRowsWritten).toBe(40);
    resetMeter();
    await flush(t.tenantId);
    expect(readMeter().durableObjects.storageRowsWritten).toBe(2);
    expect((await loggedBatches(t.tenantId)).map((b) => b.rows)).toEqual([21]);
  });

  it("finishes a flush that crashed after its writes with the same segment, writing no row twice", async () => {
    const t = await createTenantKey();
    await holdFlush(t.tenantId);
    const answers: Answer[] = [];
    for (const row of makeRows(5, 4, 302)) answers.push((await predict(t.key, [row]))[0]);
    const batchIds = answers.map((a) => parsePredictionId(a.predictionId).batchId);

    // The D1 row is written, then the object dies before it marks its requests flushed.
    const crashed = await runInDurableObject(predictionLogOf(t.tenantId), async (log: PredictionLog, state) => {
      const real = adapters();
      const crashing: Adapters = {
        ...real,
        batches: {
          ...real.batches,
          async recordLoggedBatch(...args) {
            await real.batches.recordLoggedBatch(...args);
            throw new Error("the object was reset");
          },
        },
      };
      await state.storage.deleteAlarm();
      log.adapters = crashing;
      try {
        await log.alarm();
      } finally {
        log.adapters = null;
      }
      return state.storage.getAlarm();
    });
    expect(crashed, "the failed flush is retried within minutes").toBeLessThan(Date.now() + 10 * 60_000);
    const written = await storedObjects(t.tenantId);
    expect(written).toHaveLength(1);
    expect((await adapters().predictionLog.resolve(t.tenantId, batchIds)).size).toBe(0);

    await flush(t.tenantId);
    await vi.waitFor(async () => expect((await adapters().predictionLog.resolve(t.tenantId, batchIds)).size).toBe(5), {
      timeout: 10_000,
      interval: 25,
    });
    expect(await storedObjects(t.tenantId)).toEqual(written);
    const batches = await loggedBatches(t.tenantId);
    expect(batches).toEqual([expect.objectContaining({ rows: 5, chunks: 1 })]);
    expect(written[0]).toContain(`/${batches[0].id}/`);
    expect(await rolledUp(t.tenantId)).toEqual({ batches: 1, rows: 5 });
    const refs = await adapters().predictionLog.resolve(t.tenantId, batchIds);
    expect(new Set([...refs.values()].map((r) => r.segment))).toEqual(new Set([batches[0].id]));
    expect([...refs.values()].map((r) => r.offset).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("flushes at once, without waiting for its alarm, once 10,000 rows are buffered", async () => {
    const t = await createTenantKey();
    await holdFlush(t.tenantId);
    const rows = makeRows(100, 4, 303);
    const margins = rows.map(() => 0.25);
    for (let k = 0; k < 100; k++) {
      await adapters().predictionLog.append({
        tenantId: t.tenantId,
        batchId: `bat_full${String(k).padStart(12, "0")}`,
        features: rows,
        margins,
        labels: rows.map(() => 1 as const),
        modelVersion: "seed-1",
      });
    }
    await vi.waitFor(async () => expect((await loggedBatches(t.tenantId)).map((b) => b.rows)).toEqual([10_000]), {
      timeout: 10_000,
      interval: 50,
    });
  });
});

describe("labels by predictionId", () => {
  it("refuses a prediction not flushed yet, saying it is recorded about a second after its answer", async () => {
    const t = await createTenantKey();
    await holdFlush(t.tenantId);
    const [answer] = await predict(t.key, makeRows(1, 4, 304));
    const { response, sent } = await label(t.key, [answer.predictionId], [1]);
    expect(response.status).toBe(422);
    const { error } = await response.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe("UNKNOWN_ROWS");
    expect(error.message).toMatch(/about a second after its answer/);
    expect(sent).toEqual([]);
  });

  it("never resolves another tenant's predictionIds, even flushed", async () => {
    const owner = await createTenantKey();
    const other = await createTenantKey();
    const answers = await predict(owner.key, makeRows(2, 4, 305));
    await flush(owner.tenantId);
    await vi.waitFor(async () => expect((await loggedBatches(owner.tenantId)).map((b) => b.rows)).toEqual([2]), {
      timeout: 10_000,
      interval: 25,
    });
    const ids = answers.map((a) => a.predictionId);

    const refused = await label(other.key, ids, [1, 0]);
    expect(refused.response.status).toBe(422);
    expect(refused.sent).toEqual([]);
    const batchIds = ids.map((id) => parsePredictionId(id).batchId);
    expect((await adapters().predictionLog.resolve(other.tenantId, batchIds)).size).toBe(0);

    const accepted = await label(owner.key, ids, [1, 0]);
    expect(accepted.response.status).toBe(202);
    expect(accepted.sent).toHaveLength(1);
  });
});
