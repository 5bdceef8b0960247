// The typed client against the Worker: a batch submitted as rows (gzip JSON) and as typed columns
// (gzip Arrow) is scored the same and waited for; 429 and 503 are retried with the same
// Idempotency-Key, so retries finish the work and create one batch; an API error surfaces its code;
// the dashboard's reads (metrics history, training runs) answer typed.
import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiRequestError, createClient } from "../../client/index.ts";
import { newId } from "../../workers/codecs/ids.ts";
import { adapters, createTenantKey, makeRows } from "./helpers.ts";

const BASE = "http://edge-svm.test";
const workerFetch: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init));
const noSleep = { sleep: async () => undefined };

let key = "";
let tenantId = "";
let names: string[] = [];

beforeAll(async () => {
  ({ key, tenantId } = await createTenantKey());
  names = JSON.parse((await adapters().models.findChampion(tenantId))?.featureNames ?? "[]") as string[];
});

const batchCount = async () =>
  (await env.DB.prepare("SELECT count(*) AS n FROM batches WHERE tenant_id = ?").bind(tenantId).first<{ n: number }>())
    ?.n ?? 0;

describe("the client", () => {
  it("submits rows and typed columns, waits for both, and gets the same predictions", async () => {
    const client = createClient({ baseUrl: BASE, key, fetch: workerFetch, retry: noSleep });
    const rows = makeRows(120, names.length, 91);
    const ids = rows.map((_, i) => `c${i}`);
    const columns = Object.fromEntries(names.map((name, j) => [name, Float64Array.from(rows, (row) => row[j])]));
    const fromRows = await client.submitBatch(rows, { ids });
    const fromColumns = await client.submitBatch({ columns, ids });
    expect(fromRows.status).toBe("pending");
    const [a, b] = await Promise.all([client.waitForBatch(fromRows.batchId), client.waitForBatch(fromColumns.batchId)]);
    expect(a.status).toBe("complete");
    expect(a.predictions).toHaveLength(120);
    expect(b.predictions).toEqual(a.predictions);
    expect((await client.listModels()).models.some((m) => m.champion)).toBe(true);
  });

  it("retries 429 and 503 with the same Idempotency-Key until the batch is accepted, once", async () => {
    const sent: string[] = [];
    let refusals = 0;
    const flaky: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.method === "POST") sent.push(request.headers.get("idempotency-key") ?? "");
      if (request.method === "POST" && refusals < 3) {
        refusals++;
        const status = refusals === 2 ? 503 : 429;
        return Response.json(
          { error: { code: "RATE_LIMITED", message: "slow down", requestId: "x" } },
          {
            status,
            headers: { "retry-after": "1" },
          },
        );
      }
      return workerFetch(request);
    };
    const slept: number[] = [];
    const client = createClient({
      baseUrl: BASE,
      key,
      fetch: flaky,
      retry: { sleep: async (ms) => void slept.push(ms) },
    });
    const before = await batchCount();
    const accepted = await client.submitBatch(makeRows(10, names.length, 92));
    expect(accepted.status).toBe("pending");
    expect(sent).toHaveLength(4);
    expect(new Set(sent).size).toBe(1);
    expect(slept.every((ms) => ms >= 1000)).toBe(true);
    expect(await batchCount()).toBe(before + 1);
  });

  it("throws the API's code and message", async () => {
    const client = createClient({ baseUrl: BASE, key, fetch: workerFetch, retry: noSleep });
    const error = await client.submitBatch([[1, 2]]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ status: 422, code: "FEATURE_COUNT_MISMATCH" });
  });

  it("reads the metrics history and the training runs, one run by id", async () => {
    const client = createClient({ baseUrl: BASE, key, fetch: workerFetch, retry: noSleep });
    const history = await client.metricsHistory(1);
    expect(history.days).toBe(1);
    expect(history.series.every((day) => day.scores.length === history.scoreBounds.length + 1)).toBe(true);
    expect((await client.metricsHistory()).days).toBe(14);
    const runId = newId("run");
    await adapters().runs.record(tenantId, runId, "api", Date.now(), { status: "skipped", reason: "few", details: {} });
    expect((await client.listRuns(1)).runs.map((r) => r.runId)).toEqual([runId]);
    expect(await client.getRun(runId)).toMatchObject({ runId, status: "skipped", reason: "few" });
    await expect(client.getRun(newId("run"))).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
  });
});
