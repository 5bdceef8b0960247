// The batch list's filters (the console's batches page): status, source, a creation range
// inclusive at both ends, and the version that scored most rows, each alone and together,
// within the keyset pages (a page after a cursor keeps the same filter), for one tenant only.
import { expect, it } from "vitest";
import { PREDICT_SOURCE } from "../../../workers/adapters/batch-store.ts";
import type { BatchFilter } from "../../../workers/contract/api.ts";
import { delta, describeTables, H0, newBatch } from "./tables.ts";

describeTables("BatchStore list filters", (make) => {
  /** Five batches of one tenant (created at 100…500) and look-alikes that must never be listed. */
  async function fixture() {
    const { batches, addTenant, backdate } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    /** `end`: "pending", "failed" or the version that completed it. */
    const made = async (createdAt: number, source: string, end: string) => {
      const { batch } = await batches.createBatch(newBatch(tenantId, { source }));
      if (end === "failed") await batches.markFailed(batch.id, "no model");
      else if (end !== "pending")
        await batches.completeBatch(batch.id, H0, [delta(tenantId, H0, { modelVersion: end })]);
      await backdate(batch.id, createdAt);
      return batch.id;
    };
    const a = await made(100, "api", "v1");
    const b = await made(200, "dashboard", "pending");
    const c = await made(300, "api", "failed");
    const d = await made(400, "dashboard", "v2");
    const e = await made(500, "api", "v2");
    const theirs = await batches.createBatch(newBatch(other, { source: "api" }));
    await batches.completeBatch(theirs.batch.id, H0, [delta(other, H0, { modelVersion: "v2" })]);
    await backdate(theirs.batch.id, 450);
    await batches.recordLoggedBatch(newBatch(tenantId, { source: PREDICT_SOURCE }), 350, [
      delta(tenantId, H0, { modelVersion: "v2" }),
    ]);
    const list = async (filter: BatchFilter, limit = 10) =>
      (await batches.listBatches(tenantId, limit, null, filter)).map((batch) => batch.id);
    return { batches, tenantId, ids: { a, b, c, d, e }, list };
  }

  it("filters on each of status, source, creation range and model version alone", async () => {
    const { ids, list } = await fixture();
    const { a, b, c, d, e } = ids;
    expect(await list({})).toEqual([e, d, c, b, a]);
    expect(await list({ status: "complete" })).toEqual([e, d, a]);
    expect(await list({ status: "pending" })).toEqual([b]);
    expect(await list({ status: "failed" })).toEqual([c]);
    expect(await list({ source: "dashboard" })).toEqual([d, b]);
    expect(await list({ source: PREDICT_SOURCE })).toEqual([]);
    expect(await list({ from: 200, to: 400 })).toEqual([d, c, b]);
    expect(await list({ from: 401 })).toEqual([e]);
    expect(await list({ to: 199 })).toEqual([a]);
    expect(await list({ modelVersion: "v2" })).toEqual([e, d]);
    expect(await list({ modelVersion: "v3" })).toEqual([]);
  });

  it("combines filters", async () => {
    const { ids, list } = await fixture();
    expect(await list({ status: "complete", source: "api" })).toEqual([ids.e, ids.a]);
    expect(await list({ source: "dashboard", modelVersion: "v2", from: 400, to: 400 })).toEqual([ids.d]);
    expect(await list({ status: "complete", from: 100, to: 450, modelVersion: "v1" })).toEqual([ids.a]);
  });

  it("pages through a filtered listing: each page after a cursor keeps the filter", async () => {
    const { batches, tenantId, ids } = await fixture();
    const filter: BatchFilter = { status: "complete", from: 50 };
    const seen: string[] = [];
    let after = null;
    for (let page = 0; page < 5; page++) {
      const rows = await batches.listBatches(tenantId, 1, after, filter);
      if (rows.length === 0) break;
      seen.push(rows[0].id);
      after = { createdAt: rows[0].createdAt, id: rows[0].id };
    }
    expect(seen).toEqual([ids.e, ids.d, ids.a]);
  });
});
