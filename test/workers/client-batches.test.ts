// The typed client's batch reads for the console (issue 15): listBatches takes the list's filters
// and follows a filtered listing by nextCursor; getBatch adds saved labels with `feedback`.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../client/index.ts";
import { createTenantKey, deliver, makeRows } from "./helpers.ts";

const BASE = "http://edge-svm.test";
const workerFetch: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init));

let client: ReturnType<typeof createClient>;
let tenantId = "";

beforeAll(async () => {
  const tenant = await createTenantKey();
  tenantId = tenant.tenantId;
  client = createClient({ baseUrl: BASE, key: tenant.key, fetch: workerFetch });
});

describe("the client's batch reads", () => {
  it("lists with filters and follows nextCursor through the same filtered listing", async () => {
    const submitted = [];
    for (let i = 0; i < 3; i++) submitted.push((await client.submitBatch(makeRows(2, 4, 40 + i))).batchId);
    await Promise.all(submitted.map((id) => client.waitForBatch(id)));
    const today = new Date().toISOString().slice(0, 10);
    const first = await client.listBatches({ limit: 2, status: "complete", source: "api", from: today });
    expect(first.batches.map((b) => b.batchId)).toEqual([submitted[2], submitted[1]]);
    expect(first.batches[0]).toMatchObject({ source: "api", modelVersion: "seed-1" });
    const rest = await client.listBatches({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(rest.batches.map((b) => b.batchId)).toEqual([submitted[0]]);
    expect((await client.listBatches({ status: "failed" })).batches).toEqual([]);
    expect((await client.listBatches()).batches).toHaveLength(3);
    await expect(client.listBatches({ from: "2026-02-30" })).rejects.toMatchObject({
      status: 400,
      code: "INVALID_REQUEST",
    });
  });

  it("reads a batch with its saved labels when asked", async () => {
    const { batchId } = await client.submitBatch(makeRows(2, 4, 50));
    await client.waitForBatch(batchId);
    await client.sendFeedback(batchId, { rows: [1], labels: [1] });
    // The API queued the labels; the consumer records them (the test queue delivers, or this does).
    await deliver("feedback-events", [
      { kind: "feedback", tenantId, batchId, rows: [1], labels: [1], source: "api", labelledAt: Date.now() },
    ]);
    const read = await client.getBatch(batchId, { feedback: true });
    expect(read.predictions.map((p) => p.feedback)).toEqual([null, 1]);
    const plain = await client.getBatch(batchId, { explain: true });
    expect(plain.predictions.every((p) => p.feedback === undefined && p.contributions)).toBe(true);
  });
});
