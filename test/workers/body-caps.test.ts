// No caller can exhaust an isolate: every body is read under a byte cap (Content-Length first,
// then counted while streaming), and its JSON is counted before it is parsed, per route.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { gzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../workers/http/app.ts";
import { BODY_LIMITS, LIMITS } from "../../workers/contract/limits.ts";
import { adapters, api, callRecorded, createTenantKey, ensureModel, gzipJson, makeRows } from "./helpers.ts";

const MiB = 1024 * 1024;

/** Text that barely compresses, so a body is large after gzip too (no ratio check catches it). */
function noise(bytes: number): string {
  const raw = new Uint8Array(Math.ceil((bytes * 3) / 4));
  for (let i = 0; i < raw.length; i += 65536) crypto.getRandomValues(raw.subarray(i, i + 65536));
  let binary = "";
  for (let i = 0; i < raw.length; i += 8192) binary += String.fromCharCode(...raw.subarray(i, i + 8192));
  return btoa(binary).slice(0, bytes);
}

/** A body of `total` bytes of `fill`, produced on demand; `pulled()` says how much was read. */
function meteredBody(total: number, fill = 0x20) {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(fill);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const part = chunk.subarray(0, Math.min(chunk.length, total - sent));
      sent += part.length;
      controller.enqueue(part.slice());
    },
  });
  return { stream, pulled: () => sent };
}

interface ErrorBody {
  error: { code: string; message: string };
}

beforeAll(async () => {
  await ensureModel();
});

describe("the unauthenticated webhook route", () => {
  it("stops reading a 32 MiB streamed body at its cap and answers 413", async () => {
    const body = meteredBody(32 * MiB);
    const response = await api("/v1/webhooks/feedback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body.stream,
      // @ts-expect-error -- duplex is required by fetch for a streamed request body
      duplex: "half",
    });
    expect(response.status).toBe(413);
    expect((await response.json<ErrorBody>()).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(body.pulled()).toBeLessThanOrEqual(BODY_LIMITS.webhook.maxEncodedBytes + 128 * 1024);
  });

  it("refuses a declared Content-Length over the cap without reading the body", async () => {
    const body = meteredBody(BODY_LIMITS.webhook.maxEncodedBytes + 1);
    const request = new Request("http://edge-svm.test/v1/webhooks/feedback", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": String(BODY_LIMITS.webhook.maxEncodedBytes + 1),
      },
      body: body.stream,
      // @ts-expect-error -- duplex is required by fetch for a streamed request body
      duplex: "half",
    });
    const response = await createApp().fetch(request, env, createExecutionContext());
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(64 * 1024);
  });
});

describe("JSON that would parse into far more memory than its bytes", () => {
  // ≈84 KB of gzip holding 16 MiB of "[0],": JSON.parse would build ≈256 MB of arrays.
  const bomb = () => {
    const unit = new TextEncoder().encode("[0],");
    const text = new Uint8Array(16 * MiB - 64);
    for (let i = 0; i + unit.length <= text.length - 32; i += unit.length) text.set(unit, i);
    const head = new TextEncoder().encode('{"features":[');
    const tail = new TextEncoder().encode("[0]]}");
    const whole = new Uint8Array(head.length + (text.length - 32 - ((text.length - 32) % 4)) + tail.length);
    whole.set(head, 0);
    whole.set(text.subarray(0, whole.length - head.length - tail.length), head.length);
    whole.set(tail, whole.length - tail.length);
    return gzipSync(whole, { level: 9 });
  };

  const post = async (encoding: string, body: Uint8Array<ArrayBuffer> | string) => {
    const { key, tenantId } = await createTenantKey();
    const { response, sent } = await callRecorded("/v1/batches", {
      method: "POST",
      key,
      headers: { "content-type": "application/json", "content-encoding": encoding },
      body,
    });
    return { response, sent, tenantId };
  };

  it("refuses ≈84 KB of gzip holding 16 MiB of [0], with 413", async () => {
    const body = bomb() as Uint8Array<ArrayBuffer>;
    expect(body.byteLength).toBeLessThan(200 * 1024);
    const { response, sent } = await post("gzip", body);
    expect(response.status).toBe(413);
    expect((await response.json<ErrorBody>()).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(sent).toEqual([]);
  });

  it("refuses the same bomb when its gzip trailer lies that it holds 1 KB, storing nothing", async () => {
    // The trailer's ISIZE sizes the fast path's fixed-length read: a lie must still end in a 4xx
    // without the 16 MiB ever being gathered.
    const body = bomb() as Uint8Array<ArrayBuffer>;
    new DataView(body.buffer, body.byteOffset + body.byteLength - 4).setUint32(0, 1024, true);
    const { response, sent } = await post("gzip", body);
    expect([400, 413]).toContain(response.status);
    expect(["MALFORMED_BODY", "PAYLOAD_TOO_LARGE"]).toContain((await response.json<ErrorBody>()).error.code);
    expect(sent).toEqual([]);
  });

  it("refuses a body of two gzip members with 400 (the runtime reads one member), storing nothing", async () => {
    const text = JSON.stringify({ features: makeRows(50, 4, 81) });
    const cut = Math.floor(text.length / 2);
    const first = gzipSync(new TextEncoder().encode(text.slice(0, cut)));
    const second = gzipSync(new TextEncoder().encode(text.slice(cut)));
    const body = new Uint8Array(first.length + second.length);
    body.set(first, 0);
    body.set(second, first.length);
    const { response, sent } = await post("gzip", body);
    expect(response.status).toBe(400);
    expect((await response.json<ErrorBody>()).error.code).toBe("MALFORMED_BODY");
    expect(sent).toEqual([]);
  });

  it("refuses gzip whose trailer is corrupt with 400, storing nothing", async () => {
    const body = gzipJson({ features: makeRows(20, 4, 82) });
    body[body.length - 6] ^= 0xff; // the CRC-32 no longer matches
    const { response, sent } = await post("gzip", body);
    expect(response.status).toBe(400);
    expect((await response.json<ErrorBody>()).error.code).toBe("MALFORMED_BODY");
    expect(sent).toEqual([]);
  });

  it("is refused as too large on its shape, before it is parsed, and leaves nothing behind", async () => {
    // 4 MiB of "[0]," sent plainly: within every byte cap, but a million arrays once parsed.
    const body = `{"features":[${"[0],".repeat((4 * MiB) / 4 - 8)}[0]]}`;
    const { response, sent, tenantId } = await post("identity", body);
    expect(response.status).toBe(413);
    const error = (await response.json<ErrorBody>()).error;
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toMatch(/arrays and objects|values/);
    expect(sent).toEqual([]);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM batches WHERE tenant_id = ?").bind(tenantId).first();
    expect(count).toEqual({ n: 0 });
  });

  it("caps /v1/predict far below batches: a 5 MiB body is refused", async () => {
    const { key } = await createTenantKey();
    const response = await api("/v1/predict", {
      method: "POST",
      key,
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipJson({ features: makeRows(1), pad: noise(5 * MiB) }),
    });
    expect(response.status).toBe(413);
  });

  it("caps feedback bodies at their own size", async () => {
    const { key } = await createTenantKey();
    const response = await api("/v1/batches/bat_abc/feedback", {
      method: "POST",
      key,
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipJson({ rows: [0], labels: [1], pad: noise(3 * MiB) }),
    });
    expect(response.status).toBe(413);
  });

  it("caps the retrain body, which needs only a flag", async () => {
    const { key } = await createTenantKey();
    const response = await api("/v1/models/retrain", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ force: false, pad: "x".repeat(64 * 1024) }),
    });
    expect(response.status).toBe(413);
  });

  it("still accepts the largest batch: 10,000 rows, ids of 128 characters", async () => {
    const { key, tenantId } = await createTenantKey();
    const rows = makeRows(LIMITS.maxBatchRows);
    const ids = rows.map((_, i) => `${i}`.padStart(LIMITS.maxIdLength, "x"));
    const { response, sent } = await callRecorded("/v1/batches", {
      method: "POST",
      key,
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipJson({ features: rows, ids }),
    });
    expect(response.status).toBe(202);
    expect(sent).toHaveLength(1);
    const { batchId } = await response.json<{ batchId: string }>();
    const stored = await adapters().rows.getInput(tenantId, batchId);
    expect(stored?.ids).toEqual(ids);
  });
});
