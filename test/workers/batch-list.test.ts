// The batches list as the console reads it (issue 15): each batch says who sent it, how many rows
// came out positive and which version scored it; the list filters on status, source, a creation
// range and that version, alone or together, through every page of a listing, and refuses bad
// filters with a 400 that names them. Another tenant's batches are never listed.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { adapters, api, createTenantKey, ensureModel, makeRows, postBatch } from "./helpers.ts";

interface Summary {
  batchId: string;
  status: string;
  source?: string;
  positives?: number | null;
  modelVersion?: string | null;
  createdAt: string;
}
interface Page {
  batches: Summary[];
  nextCursor: string | null;
}

beforeAll(async () => {
  await ensureModel();
});

const list = async (key: string, query: string) => {
  const response = await api(`/v1/batches?${query}`, { key });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<Page>();
};
const idsOf = async (key: string, query: string) => (await list(key, query)).batches.map((b) => b.batchId);

/** A batch row as it would stand, written directly: created at `at`, from `source`, ended as given. */
async function seeded(
  tenantId: string,
  at: string,
  source: string,
  status: "pending" | "complete" | "failed",
  modelVersion: string | null = null,
) {
  const id = `bat_l${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await adapters().batches.createBatch({ id, tenantId, rows: 2, chunks: 1, featureCount: 4, bodyHash: "", source });
  await env.DB.prepare("UPDATE batches SET created_at = ?, status = ?, model_version = ? WHERE id = ?")
    .bind(Date.parse(at), status, modelVersion, id)
    .run();
  return id;
}

/** One tenant's five batches across three days, and a look-alike of another tenant's. */
async function fiveBatches() {
  const { key, tenantId } = await createTenantKey(["read"], { model: false });
  const other = await createTenantKey(["read"], { model: false });
  const a = await seeded(tenantId, "2026-01-01T10:00:00Z", "api", "complete", "v1");
  const b = await seeded(tenantId, "2026-01-02T00:00:00Z", "dashboard", "pending");
  const c = await seeded(tenantId, "2026-01-02T23:59:59.999Z", "api", "failed");
  const d = await seeded(tenantId, "2026-01-03T00:00:00Z", "dashboard", "complete", "v2");
  const e = await seeded(tenantId, "2026-01-04T08:30:00Z", "api", "complete", "v2");
  await seeded(other.tenantId, "2026-01-03T12:00:00Z", "api", "complete", "v2");
  return { key, ids: { a, b, c, d, e } };
}

describe("batch summaries", () => {
  it("say who sent a batch, how many rows came out positive and which version scored them", async () => {
    const { key } = await createTenantKey();
    const posted = await postBatch(key, { features: makeRows(25, 4, 3) }, { "x-client": "dashboard" });
    const { batchId } = await posted.json<{ batchId: string }>();
    const result = await vi.waitFor(
      async () => {
        const body = await (
          await api(`/v1/batches/${batchId}`, { key })
        ).json<Summary & { predictions: { label: number; modelVersion: string }[] }>();
        if (body.status !== "complete") throw new Error(`still ${body.status}`);
        return body;
      },
      { timeout: 5000, interval: 20 },
    );
    const positives = result.predictions.filter((p) => p.label === 1).length;
    expect(positives).toBeGreaterThan(0);
    const expected = { batchId, source: "dashboard", positives, modelVersion: "seed-1" };
    expect(result).toMatchObject(expected);
    expect((await list(key, "")).batches).toEqual([expect.objectContaining(expected)]);
  });

  it("say null for the positives and version of a batch not yet complete", async () => {
    const { key, tenantId } = await createTenantKey(["read"], { model: false });
    const id = await seeded(tenantId, "2026-01-01T00:00:00Z", "api", "pending");
    expect((await list(key, "")).batches).toEqual([
      expect.objectContaining({ batchId: id, source: "api", positives: null, modelVersion: null }),
    ]);
  });
});

describe("GET /v1/batches filters", () => {
  it("filter on each of status, source, from, to and modelVersion alone", async () => {
    const { key, ids } = await fiveBatches();
    const { a, b, c, d, e } = ids;
    expect(await idsOf(key, "")).toEqual([e, d, c, b, a]);
    expect(await idsOf(key, "status=complete")).toEqual([e, d, a]);
    expect(await idsOf(key, "status=failed")).toEqual([c]);
    expect(await idsOf(key, "source=dashboard")).toEqual([d, b]);
    expect(await idsOf(key, "from=2026-01-02")).toEqual([e, d, c, b]);
    expect(await idsOf(key, "from=2026-01-02T00:00:00.001Z")).toEqual([e, d, c]);
    // A date as `to` takes in the whole day (UTC), its last millisecond included.
    expect(await idsOf(key, "to=2026-01-02")).toEqual([c, b, a]);
    expect(await idsOf(key, "to=2026-01-02T00:00:00Z")).toEqual([b, a]);
    expect(await idsOf(key, "to=2026-01-03T00:59:59.999%2B01:00")).toEqual([c, b, a]);
    expect(await idsOf(key, "modelVersion=v2")).toEqual([e, d]);
    expect(await idsOf(key, "modelVersion=v3")).toEqual([]);
  });

  it("combine filters", async () => {
    const { key, ids } = await fiveBatches();
    expect(await idsOf(key, "status=complete&source=api")).toEqual([ids.e, ids.a]);
    expect(await idsOf(key, "from=2026-01-02&to=2026-01-03&status=complete")).toEqual([ids.d]);
    expect(await idsOf(key, "source=dashboard&modelVersion=v2&to=2026-01-03")).toEqual([ids.d]);
    expect(await idsOf(key, "from=2026-01-03&to=2026-01-03")).toEqual([ids.d]);
  });

  it("page through a filtered listing: nextCursor continues it, with or without the filters repeated", async () => {
    const { key, ids } = await fiveBatches();
    const filters = "status=complete&from=2026-01-01";
    const first = await list(key, `${filters}&limit=2`);
    expect(first.batches.map((b) => b.batchId)).toEqual([ids.e, ids.d]);
    expect(first.nextCursor).not.toBeNull();
    const cursor = `cursor=${first.nextCursor}`;
    expect(await idsOf(key, `${filters}&limit=2&${cursor}`)).toEqual([ids.a]);
    expect(await idsOf(key, `limit=2&${cursor}`)).toEqual([ids.a]);
    expect(await idsOf(key, `status=complete&limit=2&${cursor}`)).toEqual([ids.a]);
    expect((await list(key, `limit=2&${cursor}`)).nextCursor).toBeNull();
    const changed = await api(`/v1/batches?status=failed&${cursor}`, { key });
    expect(changed.status).toBe(400);
    expect(await changed.json()).toMatchObject({
      error: { code: "INVALID_REQUEST", message: expect.stringContaining("status") },
    });
    const seen: string[] = [];
    for (let next: string | null = ""; next !== null;) {
      const page: Page = await list(key, `source=api&limit=1${next ? `&cursor=${next}` : ""}`);
      seen.push(...page.batches.map((b) => b.batchId));
      next = page.nextCursor;
    }
    expect(seen).toEqual([ids.e, ids.c, ids.a]);
  });

  it("never list another tenant's batches, whatever the filters", async () => {
    const { key } = await fiveBatches();
    const own = await idsOf(key, "");
    for (const query of ["modelVersion=v2", "from=2026-01-03&to=2026-01-03", "source=api&status=complete"]) {
      for (const id of await idsOf(key, query)) expect(own).toContain(id);
    }
    expect(await idsOf(key, "from=2026-01-03T06:00:00Z&to=2026-01-03T18:00:00Z")).toEqual([]);
  });

  describe.each([
    ["status=done", "status"],
    ["source=", "source"],
    [`source=${"s".repeat(41)}`, "source"],
    ["source=predict", "source"],
    ["from=yesterday", "from"],
    ["from=2026-02-30", "from"],
    ["to=2026-01-01T12:00:00", "to"],
    ["to=2026-01-01T25:00:00Z", "to"],
    ["modelVersion=no%20spaces", "modelVersion"],
    [`modelVersion=${"v".repeat(65)}`, "modelVersion"],
    ["from=2026-01-03&to=2026-01-02", "after"],
    ["from=2026-01-02T00:00:01Z&to=2026-01-02T00:00:00Z", "after"],
  ])("?%s", (query, named) => {
    it(`is a 400 INVALID_REQUEST whose message names ${named}`, async () => {
      const { key } = await createTenantKey(["read"], { model: false });
      const response = await api(`/v1/batches?${query}`, { key });
      expect(response.status).toBe(400);
      const body = await response.json<{ error: { code: string; message: string } }>();
      expect(body.error.code).toBe("INVALID_REQUEST");
      expect(body.error.message).toContain(named);
    });
  });
});
