// Every bad request is a 4xx with a stable error code, and leaves nothing behind:
// no batch row and no queue message.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { deflateSync, gzipSync, strToU8, zlibSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../workers/http/app.ts";
import { BODY_LIMITS, LIMITS } from "../../workers/contract/limits.ts";
import { adapters, createTenantKey, ensureModel, gzipJson, makeRows } from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

type Body = BodyInit | null;
interface BadCase {
  name: string;
  status: number;
  code: string;
  body?: () => Body;
  headers?: Record<string, string>;
  auth?: "none" | "malformed" | "unknown" | "revoked" | "read-only";
}

const json = (value: unknown) => () => JSON.stringify(value);
const gz = (value: unknown) => () => gzipJson(value);
const good = { features: makeRows(3) };
const PLAIN = { "content-type": "application/json", "content-encoding": "identity" };

const cases: BadCase[] = [
  { name: "no Authorization header", auth: "none", status: 401, code: "UNAUTHORIZED" },
  { name: "a malformed key", auth: "malformed", status: 401, code: "UNAUTHORIZED" },
  { name: "a well-formed key nobody issued", auth: "unknown", status: 401, code: "UNAUTHORIZED" },
  { name: "a revoked key", auth: "revoked", status: 401, code: "UNAUTHORIZED" },
  { name: "a key without the ingest scope", auth: "read-only", status: 403, code: "FORBIDDEN" },
  {
    name: "Content-Type text/plain",
    headers: { "content-type": "text/plain" },
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
  },
  {
    name: "a form content type",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
  },
  { name: "Content-Encoding br", headers: { "content-encoding": "br" }, status: 415, code: "UNSUPPORTED_ENCODING" },
  { name: "gzip declared but plain JSON sent", body: json(good), status: 400, code: "MALFORMED_BODY" },
  { name: "truncated gzip", body: () => gzipJson(good).slice(0, 30), status: 400, code: "MALFORMED_BODY" },
  {
    name: "corrupt gzip",
    body: () => {
      const bytes = gzipJson(good);
      for (let i = 12; i < 40; i++) bytes[i] ^= 0xff;
      return bytes;
    },
    status: 400,
    code: "MALFORMED_BODY",
  },
  {
    name: "corrupt deflate",
    headers: { "content-encoding": "deflate" },
    body: () => new Uint8Array([120, 156, 1, 2, 3, 4]),
    status: 400,
    code: "MALFORMED_BODY",
  },
  {
    name: "invalid JSON",
    body: () => gzipSync(strToU8('{"features": [[1,2,3,4],')),
    status: 400,
    code: "MALFORMED_BODY",
  },
  {
    name: "NaN in a row",
    body: () => gzipSync(strToU8('{"features": [[NaN,1,2,3]]}')),
    status: 400,
    code: "MALFORMED_BODY",
  },
  {
    name: "invalid UTF-8",
    headers: PLAIN,
    body: () => new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    status: 400,
    code: "MALFORMED_BODY",
  },
  { name: "an empty body", headers: PLAIN, body: () => "", status: 400, code: "MALFORMED_BODY" },
  { name: "a JSON array instead of an object", body: gz([[1, 2, 3, 4]]), status: 422, code: "INVALID_BATCH" },
  { name: "no features field", body: gz({ rows: [[1, 2, 3, 4]] }), status: 422, code: "INVALID_BATCH" },
  { name: "an empty features list", body: gz({ features: [] }), status: 422, code: "INVALID_BATCH" },
  { name: "an empty row", body: gz({ features: [[]] }), status: 422, code: "INVALID_BATCH" },
  { name: "a string in a row", body: gz({ features: [[1, "2", 3, 4]] }), status: 422, code: "INVALID_BATCH" },
  { name: "a null in a row", body: gz({ features: [[1, null, 3, 4]] }), status: 422, code: "INVALID_BATCH" },
  {
    name: "an infinite number (1e999)",
    body: () => gzipSync(strToU8('{"features": [[1e999,1,2,3]]}')),
    status: 422,
    code: "INVALID_BATCH",
  },
  {
    name: "ragged rows",
    body: gz({
      features: [
        [1, 2, 3, 4],
        [1, 2, 3],
      ],
    }),
    status: 422,
    code: "FEATURE_COUNT_MISMATCH",
  },
  {
    name: "rows of the wrong width",
    body: gz({ features: [[1, 2, 3, 4, 5]] }),
    status: 422,
    code: "FEATURE_COUNT_MISMATCH",
  },
  {
    name: "duplicate client ids",
    body: gz({ features: makeRows(2), ids: ["a", "a"] }),
    status: 422,
    code: "INVALID_BATCH",
  },
  { name: "fewer ids than rows", body: gz({ features: makeRows(2), ids: ["a"] }), status: 422, code: "INVALID_BATCH" },
  {
    name: "an http callbackUrl",
    body: gz({ ...good, callbackUrl: "http://example.com/hook" }),
    status: 422,
    code: "INVALID_BATCH",
  },
  {
    name: "too many rows",
    body: gz({ features: makeRows(LIMITS.maxBatchRows + 1) }),
    status: 413,
    code: "BATCH_TOO_LARGE",
  },
  {
    name: "an oversize body",
    headers: PLAIN,
    body: () => `{"features":[[1,2,3,4]],"pad":"${"x".repeat(BODY_LIMITS.batch.maxEncodedBytes)}"}`,
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
  },
  {
    name: "a gzip bomb (64 MiB of zeros)",
    body: () => gzipSync(new Uint8Array(64 * 1024 * 1024), { level: 9 }),
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
  },
  {
    name: "an over-long Idempotency-Key",
    headers: { "idempotency-key": "k".repeat(300) },
    body: gz(good),
    status: 400,
    code: "INVALID_REQUEST",
  },
];

let keys: Record<string, string>;
let tenantId: string;

beforeAll(async () => {
  await ensureModel();
  const owner = await createTenantKey(["ingest", "read"]);
  tenantId = owner.tenantId;
  const readOnly = await adapters().keys.createKey(owner.tenant, ["read"]);
  const revoked = await adapters().keys.createKey(owner.tenant, ["ingest"]);
  await adapters().keys.revokeKey(revoked.id);
  keys = {
    valid: owner.key,
    "read-only": readOnly.key,
    revoked: revoked.key,
    malformed: "not-a-key",
    unknown: `esk_key_zzzzzzzzzzzz_${"A".repeat(43)}`,
  };
});

describe.each(cases)("POST /v1/batches with $name", (badCase) => {
  it(`answers ${badCase.status} ${badCase.code} and creates no batch and no message`, async () => {
    const { env: recording, sent } = recordingEnv();
    const headers = new Headers({ "content-type": "application/json", "content-encoding": "gzip", ...badCase.headers });
    if (badCase.auth !== "none") headers.set("authorization", `Bearer ${keys[badCase.auth ?? "valid"]}`);
    const request = new Request("http://edge-svm.test/v1/batches", {
      method: "POST",
      headers,
      body: (badCase.body ?? gz(good))(),
    });
    const response = await createApp().fetch(request, recording, createExecutionContext());
    const body = await response.json<{ error: { code: string; message: string; requestId: string } }>();
    expect(response.status).toBe(badCase.status);
    expect(body.error.code).toBe(badCase.code);
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(body.error.requestId).toBeTruthy();
    expect(sent).toEqual([]);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM batches WHERE tenant_id = ?")
      .bind(tenantId)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });
});

describe("the body decoder", () => {
  it("accepts the same batch as gzip, zlib deflate, raw deflate and identity", async () => {
    for (const [encoding, body] of [
      ["gzip", gzipJson(good)],
      ["deflate", zlibSync(strToU8(JSON.stringify(good)))],
      ["deflate", deflateSync(strToU8(JSON.stringify(good)))],
      ["identity", JSON.stringify(good)],
    ] as const) {
      const { env: recording, sent } = recordingEnv();
      const request = new Request("http://edge-svm.test/v1/batches", {
        method: "POST",
        headers: {
          authorization: `Bearer ${keys.valid}`,
          "content-type": "application/json",
          "content-encoding": encoding,
        },
        body,
      });
      const response = await createApp().fetch(request, recording, createExecutionContext());
      expect(response.status, encoding).toBe(202);
      expect(sent).toHaveLength(1);
    }
  });
});
