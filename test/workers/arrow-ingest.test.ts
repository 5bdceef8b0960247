// Apache Arrow batches (application/vnd.apache.arrow.stream): the same rows sent as Arrow and as
// JSON get the same predictions, whatever the column order, on /v1/batches and /v1/predict; every
// bad stream gets a clean 4xx naming what is wrong, and nothing is created.
import { env } from "cloudflare:workers";
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  List,
  Table,
  tableFromArrays,
  tableToIPC,
  Utf8,
  vectorFromArray,
  type Vector,
} from "apache-arrow";
import { gzipSync } from "fflate";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { adapters, api, createTenantKey, gzipJson, makeRows } from "./helpers.ts";

const ARROW = "application/vnd.apache.arrow.stream";
let key = "";
let tenantId = "";
let names: string[] = [];

beforeAll(async () => {
  ({ key, tenantId } = await createTenantKey());
  const champion = await adapters().models.findChampion(tenantId);
  names = JSON.parse(champion?.featureNames ?? "[]") as string[];
});

/** An Arrow stream of rows, its columns in `order` (feature names, maybe an "id"). */
function arrowOf(rows: number[][], order: string[], ids?: string[]): Uint8Array {
  const columns: Record<string, Float64Array | string[]> = {};
  for (const name of order) {
    if (name === "id") columns.id = ids ?? [];
    else columns[name] = Float64Array.from(rows, (row) => row[names.indexOf(name)]);
  }
  return tableToIPC(tableFromArrays(columns), "stream");
}

function post(path: string, body: Uint8Array, headers: Record<string, string> = {}) {
  return api(path, { method: "POST", key, headers: { "content-type": ARROW, ...headers }, body });
}

const batchCount = async () =>
  (await env.DB.prepare("SELECT count(*) AS n FROM batches WHERE tenant_id = ?").bind(tenantId).first<{ n: number }>())
    ?.n ?? 0;

interface Prediction {
  row: number;
  id?: string;
  label: number;
  margin: number;
  probability: number | null;
}

async function completed(batchId: string): Promise<Prediction[]> {
  return vi.waitFor(
    async () => {
      const body = await (
        await api(`/v1/batches/${batchId}`, { key })
      ).json<{ status: string; predictions: Prediction[] }>();
      if (body.status !== "complete") throw new Error(body.status);
      return body.predictions;
    },
    { timeout: 10_000, interval: 20 },
  );
}

describe("Arrow batches", () => {
  it("score exactly as the same rows sent as JSON, with the columns in any order and client ids", async () => {
    const rows = makeRows(300, names.length, 71);
    const ids = rows.map((_, i) => `r${i}`);
    const reversed = [...names].reverse();
    const arrowResponse = await post("/v1/batches", gzipSync(arrowOf(rows, ["id", ...reversed], ids)), {
      "content-encoding": "gzip",
    });
    expect(arrowResponse.status, await arrowResponse.clone().text()).toBe(202);
    const jsonResponse = await api("/v1/batches", {
      method: "POST",
      key,
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipJson({ features: rows, ids }),
    });
    const fromArrow = await completed((await arrowResponse.json<{ batchId: string }>()).batchId);
    const fromJson = await completed((await jsonResponse.json<{ batchId: string }>()).batchId);
    expect(fromArrow).toHaveLength(300);
    expect(fromArrow).toEqual(fromJson);
    expect(fromArrow[7].id).toBe("r7");
  });

  it("answer /v1/predict exactly as JSON does, deflated or plain", async () => {
    const rows = makeRows(20, names.length, 72);
    const viaArrow = await post("/v1/predict?log=false", arrowOf(rows, [...names].reverse()));
    const viaJson = await api("/v1/predict", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ features: rows, log: false }),
    });
    expect(viaArrow.status).toBe(200);
    const arrowBody = await viaArrow.json<{ predictions: Prediction[] }>();
    expect(arrowBody).toEqual(await viaJson.json());
    expect(arrowBody.predictions[0]).not.toHaveProperty("predictionId");
  });
});

/** Streams a client can get wrong, each with the status and code it must get. */
function badStreams(): [string, Uint8Array, number, string, RegExp][] {
  const rows = makeRows(5, names.length, 73);
  const good = arrowOf(rows, names);
  const floats = (n: number) => Float64Array.from({ length: n }, (_, i) => i / 10);
  const withColumn = (name: string, vector: Vector) => {
    const columns: Record<string, Vector> = {};
    for (const n of names) columns[n] = vectorFromArray(floats(2));
    columns[name] = vector;
    return tableToIPC(new Table(columns), "stream");
  };
  const many = Object.fromEntries(names.map((n) => [n, floats(10_001)]));
  return [
    ["a truncated stream", good.subarray(0, Math.floor(good.length * 0.6)), 400, "MALFORMED_BODY", /Arrow/],
    [
      "bytes that are not Arrow",
      new TextEncoder().encode('{"features": [[1, 2, 3, 4]]}'),
      400,
      "MALFORMED_BODY",
      /Arrow/,
    ],
    [
      "an unknown and a missing column",
      arrowOf(rows, [...names.slice(1), "colour"]),
      422,
      "FEATURE_COUNT_MISMATCH",
      new RegExp(`missing "${names[0]}"; unknown "colour"`),
    ],
    [
      "a text feature",
      withColumn(names[0], vectorFromArray(["a", "b"], new Utf8())),
      422,
      "INVALID_BATCH",
      /floats or integers/,
    ],
    [
      "a nested feature",
      withColumn(names[1], vectorFromArray([[1], [2]], new List(new Field("item", new Float64())))),
      422,
      "INVALID_BATCH",
      /floats or integers/,
    ],
    [
      "a dictionary feature",
      withColumn(names[2], vectorFromArray(["a", "b"], new Dictionary(new Utf8(), new Int32()))),
      422,
      "INVALID_BATCH",
      /floats or integers/,
    ],
    ["a null", withColumn(names[0], vectorFromArray([1, null], new Float64())), 422, "INVALID_BATCH", /nulls/],
    [
      "a value out of range",
      withColumn(names[0], vectorFromArray([1, 1e300], new Float64())),
      422,
      "VALUE_OUT_OF_RANGE",
      new RegExp(names[0]),
    ],
    ["too many rows", tableToIPC(tableFromArrays(many), "stream"), 413, "BATCH_TOO_LARGE", /at most 10000 rows/],
  ];
}

describe("a bad Arrow stream", () => {
  it("gets a clean 4xx naming the problem, and creates nothing", async () => {
    for (const [what, bytes, status, code, message] of badStreams()) {
      const before = await batchCount();
      const response = await post("/v1/batches", bytes, { "idempotency-key": `bad-${what}` });
      const body = await response.json<{ error: { code: string; message: string } }>();
      expect({ what, status: response.status, code: body.error.code }).toEqual({ what, status, code });
      expect(body.error.message, what).toMatch(message);
      expect(await batchCount(), what).toBe(before);
    }
  });

  it("refuses a gzip bomb at the decoded cap, before Arrow reads it", async () => {
    const bomb = gzipSync(new Uint8Array(64 * 1024 * 1024), { level: 9 });
    const before = await batchCount();
    const response = await post("/v1/batches", bomb, { "content-encoding": "gzip" });
    expect(response.status).toBe(413);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await batchCount()).toBe(before);
  });

  it("is refused on /v1/predict beyond its 100 rows", async () => {
    const rows = makeRows(101, names.length, 74);
    const response = await post("/v1/predict", arrowOf(rows, names));
    expect(response.status).toBe(413);
    expect((await response.json<{ error: { message: string } }>()).error.message).toMatch(/at most 100 rows/);
  });
});
