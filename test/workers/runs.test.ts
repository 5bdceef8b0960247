// GET /v1/runs and GET /v1/runs/{runId}: the tenant's training runs, newest first, each as the
// contract's TrainingRun (what it did, its data sizes and gate figures, the champion it was
// measured against); another tenant's run is as unknown as one that never was.
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { TrainingRun } from "../../workers/contract/api.ts";
import { newId } from "../../workers/codecs/ids.ts";
import { adapters, api, createTenantKey, ensureModel } from "./helpers.ts";

beforeAll(async () => {
  await ensureModel();
});

const outcome = { status: "rejected" as const, reason: "no better", details: { newFeedback: 3 } };

async function recordRuns(tenantId: string, startedAt: number[]) {
  const ids: string[] = [];
  for (const at of startedAt) {
    const id = newId("run");
    await adapters().runs.record(tenantId, id, "cron", at, outcome);
    ids.push(id);
  }
  return ids;
}

const runsOf = async (key: string, query = "") => {
  const response = await api(`/v1/runs${query}`, { key });
  expect(response.status).toBe(200);
  return (await response.json<{ runs: TrainingRun[] }>()).runs;
};

describe("GET /v1/runs", () => {
  it("lists the tenant's runs newest first, 20 unless asked, up to the limit", async () => {
    const { key, tenantId } = await createTenantKey(["read"], { model: false });
    const other = await createTenantKey(["read"], { model: false });
    const starts = Array.from({ length: 22 }, (_, i) => Date.UTC(2026, 0, 1) + i * 60_000);
    const ids = await recordRuns(tenantId, starts);
    await recordRuns(other.tenantId, [Date.UTC(2026, 0, 2)]);

    const all = await runsOf(key);
    expect(all.map((r) => r.runId)).toEqual(ids.slice(2).reverse());
    expect(all[0]).toEqual({
      runId: ids[21],
      trigger: "cron",
      status: "rejected",
      reason: "no better",
      championVersion: null,
      challengerVersion: null,
      details: { newFeedback: 3 },
      work: null,
      startedAt: new Date(starts[21]).toISOString(),
      finishedAt: expect.any(String),
    });
    expect((await runsOf(key, "?limit=3")).map((r) => r.runId)).toEqual(ids.slice(19).reverse());
    expect(await runsOf(key, "?limit=100")).toHaveLength(22);
    expect((await runsOf(other.key)).map((r) => r.startedAt)).toEqual([new Date(Date.UTC(2026, 0, 2)).toISOString()]);
  });

  it.each(["0", "101", "2.5", "many"])("refuses limit=%s with a 400", async (limit) => {
    const { key } = await createTenantKey(["read"], { model: false });
    const response = await api(`/v1/runs?limit=${limit}`, { key });
    expect(response.status).toBe(400);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe("INVALID_REQUEST");
  });

  it("needs the read scope", async () => {
    const { key } = await createTenantKey(["ingest"], { model: false });
    expect((await api("/v1/runs", { key })).status).toBe(403);
  });
});

describe("GET /v1/runs/{runId}", () => {
  it("answers a retrain's run with its data sizes, gate figures and the champion it was measured against", async () => {
    const { key } = await createTenantKey();
    const retrain = await api("/v1/models/retrain", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ force: true }),
    });
    expect([200, 202]).toContain(retrain.status);
    const { runId } = await retrain.json<{ runId: string }>();

    // A run that outlasted the request's wait goes on in its Workflow: its record shows the end.
    const run = await vi.waitFor(
      async () => {
        const response = await api(`/v1/runs/${runId}`, { key });
        expect(response.status).toBe(200);
        const found = await response.json<TrainingRun>();
        expect(found.status).not.toBe("running");
        return found;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(run).toMatchObject({ runId, trigger: "api", championVersion: "seed-1" });
    expect(["promoted", "rejected"]).toContain(run.status);
    expect(run.challengerVersion).toEqual(expect.any(String));
    expect(run.details).toMatchObject({
      trainRows: expect.any(Number),
      holdoutRows: expect.any(Number),
      gate: expect.objectContaining({ championVersion: "seed-1" }),
    });
    expect(run.work).toMatchObject({ trainRows: run.details?.trainRows, steps: expect.any(Number) });
    expect((await runsOf(key))[0]).toEqual(run);
    // The challenger's hyperparameters are its model's: the run points at it.
    const model = await api(`/v1/models/${run.challengerVersion}`, { key });
    expect((await model.json<{ parentVersion: string | null }>()).parentVersion).toBe("seed-1");
  });

  it("answers 404 NOT_FOUND for another tenant's run and for one that never was, 400 for a malformed id", async () => {
    const { key } = await createTenantKey(["read"], { model: false });
    const other = await createTenantKey(["read"], { model: false });
    const [theirs] = await recordRuns(other.tenantId, [Date.UTC(2026, 0, 3)]);
    expect((await api(`/v1/runs/${theirs}`, { key: other.key })).status).toBe(200);
    for (const id of [theirs, newId("run")]) {
      const response = await api(`/v1/runs/${id}`, { key });
      expect(response.status).toBe(404);
      expect((await response.json<{ error: { code: string } }>()).error.code).toBe("NOT_FOUND");
    }
    const malformed = await api("/v1/runs/not-a-run", { key });
    expect(malformed.status).toBe(400);
    expect((await malformed.json<{ error: { code: string } }>()).error.code).toBe("INVALID_REQUEST");
  });
});
