// Property tests through HTTP inside workerd: no body or header a client can make up gets a 5xx
// from the webhook, batch, predict or list routes. Ingest goes through createApp() with a
// recording Env, so accepted batches fill no real queue.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { fc, it } from "@fast-check/vitest";
import { gzipSync } from "fflate";
import { beforeAll, describe, expect } from "vitest";
import worker from "../../workers/index.ts";
import { encodeCursor } from "../../workers/codecs/cursor.ts";
import { signWebhook, TOLERANCE_SECONDS } from "../../workers/codecs/standard-webhooks.ts";
import { createApp } from "../../workers/http/app.ts";
import { RUNS, jsonValue, unicodeString, utf8 } from "../properties/arbitraries.ts";
import { featureBody } from "../properties/feature-inputs.ts";
import { adapters, api, createTenantKey, ensureModel, makeRows } from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

const JSON_TYPE = "application/json";
// A thousand requests take a few seconds; vitest's default of 5 s per test is too tight on a busy machine.
const TIMEOUT_MS = 60_000;

/** Header values a client may send: printable ASCII, numbers, and near-misses of real ones. */
const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.nat().map(String),
  fc.constantFrom("", "v1,", "v1,AAAA", "v2,abc", "-1", "1e9", "0x10", JSON_TYPE, "gzip", "deflate", "identity"),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Absent three times in four. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** Fetches through createApp() with queues that only record. */
async function fetchApp(path: string, init: RequestInit): Promise<Response> {
  const request = new Request(`http://edge-svm.test${path}`, init);
  return createApp().fetch(request, recordingEnv().env, createExecutionContext());
}

async function expectNoServerError(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBeLessThan(500);
  if (response.status >= 400) expect(JSON.parse(text)).toMatchObject({ error: { code: expect.any(String) } });
}

function headersOf(entries: Record<string, string | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(entries)) if (value !== undefined) headers.set(name, value);
  return headers;
}

let key: string;
let tenant: string;
let secret: string;
let batchId: string;

/** A batch of three scored rows with client ids a, b, c, so feedback for it can be accepted. */
async function scoredBatch(): Promise<string> {
  const { env, sent } = recordingEnv();
  const request = new Request("http://edge-svm.test/v1/batches", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": JSON_TYPE },
    body: JSON.stringify({ features: makeRows(3), ids: ["a", "b", "c"] }),
  });
  const accepted = await (await createApp().fetch(request, env, createExecutionContext())).json<{ batchId: string }>();
  const messages = createMessageBatch("score-jobs", [
    { id: "m0", timestamp: new Date(), attempts: 1, body: sent[0].body },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(messages, recordingEnv().env, ctx);
  expect((await getQueueResult(messages, ctx)).explicitAcks).toEqual(["m0"]);
  return accepted.batchId;
}

beforeAll(async () => {
  await ensureModel();
  ({ key, tenant } = await createTenantKey(["ingest", "read", "feedback"]));
  const found = await adapters().keys.findTenantByName(tenant);
  if (!found) throw new Error(`tenant ${tenant} was just created but is not found`);
  secret = found.webhookSecret;
  batchId = await scoredBatch();
});

/** Stands for the test tenant's name, or its scored batch's id, known only once beforeAll ran. */
const TENANT = "{tenant}";
const BATCH = "{batch}";
const fill = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (_, v: unknown) => (v === TENANT ? tenant : v === BATCH ? batchId : v));

const webhookType = fc.oneof({ weight: 4, arbitrary: fc.constant("feedback.labels") }, fc.string({ maxLength: 8 }));

/** Feedback data: mostly rows or ids of the scored batch with as many labels, sometimes anything. */
const feedbackData = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        batchId: fc.oneof({ weight: 4, arbitrary: fc.constant(BATCH) }, fc.stringMatching(/^bat_[a-z0-9]{1,12}$/)),
        keys: fc.oneof(
          fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }).map((rows) => ({ rows })),
          fc.uniqueArray(fc.constantFrom("a", "b", "c", "z"), { minLength: 1, maxLength: 3 }).map((ids) => ({ ids })),
          fc.array(fc.constantFrom(0, "a"), { minLength: 2, maxLength: 3 }).map((rows) => ({ rows })),
        ),
        labels: fc.array(fc.constantFrom(0, 1), { minLength: 1, maxLength: 3 }),
        sameLength: fc.boolean(),
      })
      .map(({ batchId: id, keys, labels, sameLength }) => {
        const count = "rows" in keys ? keys.rows.length : keys.ids.length;
        return {
          batchId: id,
          ...keys,
          labels: sameLength ? Array.from({ length: count }, (_, i) => labels[i] ?? 1) : labels,
        };
      }),
  },
  fc.record(
    {
      batchId: fc.oneof(fc.constant(BATCH), fc.string()),
      rows: fc.array(fc.oneof(fc.integer({ min: -1, max: 4 }), jsonValue(1)), { maxLength: 5 }),
      ids: fc.array(fc.oneof(fc.constantFrom("a", "b", "c"), fc.string()), { maxLength: 5 }),
      labels: fc.array(fc.oneof(fc.constantFrom(0, 1), jsonValue(1)), { maxLength: 5 }),
    },
    { requiredKeys: [] },
  ),
  jsonValue(3),
);

const envelope = fc.record({
  type: webhookType,
  tenant: fc.oneof({ weight: 6, arbitrary: fc.constant(TENANT) }, fc.constantFrom("demo", "nobody"), fc.string()),
  data: feedbackData,
});

describe("POST /v1/webhooks/feedback", () => {
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    unicodeString({ maxLength: 100 }).map(utf8),
    jsonValue(3).map((value) => utf8(JSON.stringify(value))),
    { weight: 3, arbitrary: envelope },
  );
  const often = <T>(arbitrary: fc.Arbitrary<T>, otherwise: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 3, arbitrary }, otherwise);

  it.prop(
    {
      body,
      id: maybe(headerValue),
      timestamp: maybe(often(fc.constant(String(Math.floor(Date.now() / 1000))), headerValue)),
      signature: maybe(
        often(
          fc.base64String({ minLength: 44, maxLength: 44 }).map((b) => `v1,${b}`),
          headerValue,
        ),
      ),
      type: maybe(often(fc.constant(JSON_TYPE), headerValue)),
      encoding: rarely(headerValue),
    },
    RUNS,
  )(
    "never answers 5xx to made-up headers and bodies",
    async ({ body, id, timestamp, signature, type, encoding }) => {
      const headers = headersOf({
        "webhook-id": id,
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
        "content-type": type,
        "content-encoding": encoding,
      });
      const bytes = body instanceof Uint8Array ? body : utf8(JSON.stringify(fill(body)));
      await expectNoServerError(await api("/v1/webhooks/feedback", { method: "POST", headers, body: bytes }));
    },
    TIMEOUT_MS,
  );

  it.prop(
    {
      payload: fc.oneof({ weight: 9, arbitrary: envelope }, jsonValue(3)),
      skew: fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: -TOLERANCE_SECONDS, max: TOLERANCE_SECONDS }) },
        fc.integer({ min: -2 * TOLERANCE_SECONDS, max: 2 * TOLERANCE_SECONDS }),
      ),
      id: fc.oneof({ weight: 4, arbitrary: fc.uuid() }, fc.constantFrom("replayed-1", "replayed-2")),
    },
    RUNS,
  )(
    "never answers 5xx to a delivery signed with the tenant's secret, whatever its payload",
    async ({ payload, skew, id }) => {
      const text = JSON.stringify(fill(payload));
      const timestamp = Math.floor(Date.now() / 1000) + skew;
      const headers = {
        "content-type": JSON_TYPE,
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await signWebhook(secret, id, timestamp, text),
      };
      await expectNoServerError(await fetchApp("/v1/webhooks/feedback", { method: "POST", headers, body: text }));
    },
    TIMEOUT_MS,
  );
});

describe.each(["/v1/batches", "/v1/predict"])("POST %s", (path) => {
  it.prop(
    {
      body: featureBody,
      gzip: fc.boolean(),
      idempotencyKey: rarely(fc.oneof(fc.constantFrom("k1", "k2", ""), fc.uuid())),
      explain: fc.constantFrom("", "?explain=1", "?explain=x"),
    },
    RUNS,
  )(
    "never answers 5xx to any JSON body",
    async ({ body, gzip, idempotencyKey, explain }) => {
      const text = utf8(JSON.stringify(body));
      const headers = headersOf({
        authorization: `Bearer ${key}`,
        "content-type": JSON_TYPE,
        "content-encoding": gzip ? "gzip" : undefined,
        "idempotency-key": idempotencyKey,
      });
      const response = await fetchApp(path + explain, {
        method: "POST",
        headers,
        body: gzip ? new Uint8Array(gzipSync(text)) : text,
      });
      await expectNoServerError(response);
    },
    TIMEOUT_MS,
  );
});

describe("GET /v1/batches", () => {
  const cursor = fc.oneof(
    unicodeString({ maxLength: 60 }),
    fc.base64String({ maxLength: 60 }),
    fc
      .tuple(fc.integer({ min: -1, max: 2 ** 53 }), fc.string({ minLength: 1, maxLength: 40 }), fc.nat({ max: 80 }))
      .map(([createdAt, id, cut]) => encodeCursor({ createdAt, id }).slice(0, cut)),
  );
  const limit = fc.option(fc.oneof(fc.integer({ min: -1, max: 101 }).map(String), headerValue), { nil: undefined });

  // The list's filters: plausible values, near misses and any text.
  const filters = fc.record(
    {
      status: fc.oneof(fc.constantFrom("pending", "complete", "failed", "done", ""), unicodeString({ maxLength: 20 })),
      source: fc.oneof(fc.constantFrom("api", "dashboard", "s".repeat(41)), unicodeString({ maxLength: 50 })),
      from: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        unicodeString({ maxLength: 40 }),
      ),
      to: fc.oneof(
        fc.constantFrom("2026-02-30", "2026-01-01T24:00:00Z", "0000-01-01"),
        unicodeString({ maxLength: 40 }),
      ),
      modelVersion: fc.oneof(fc.constantFrom("seed-1", "v".repeat(65)), unicodeString({ maxLength: 70 })),
    },
    { requiredKeys: [] },
  );

  it.prop([fc.option(cursor, { nil: undefined }), limit, filters], RUNS)(
    "never answers 5xx to any cursor, limit or filter",
    async (after, size, filter) => {
      const query = new URLSearchParams({
        ...(after === undefined ? {} : { cursor: after }),
        ...(size === undefined ? {} : { limit: size }),
        ...filter,
      });
      await expectNoServerError(await api(`/v1/batches?${query}`, { key }));
    },
    TIMEOUT_MS,
  );
});
