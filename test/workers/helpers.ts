// Shared helpers for tests that run inside workerd against the real bindings.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { gzipSync, strToU8 } from "fflate";
import worker from "../../workers/index.ts";
import { createApp } from "../../workers/http/app.ts";
import { createAdapters } from "../../workers/adapters/index.ts";
import { recordingEnv } from "./recording-env.ts";
import type { Scope } from "../../workers/adapters/key-store.ts";
import { decodeArtifact, sealArtifact, type Artifact } from "../../model/index.ts";
import { DEMO_TENANT, seedDemo } from "../../workers/services/seed-demo.ts";
import { registerModel } from "../../workers/services/register-model.ts";
import { columnsFromRows } from "../../workers/codecs/row-frame.ts";
import { scoreJobsOf } from "../../workers/services/ingest-batch.ts";
import { readScoredRows } from "../../workers/services/scored-rows.ts";
import { toPredictions } from "../../workers/services/batch-result.ts";
import { NO_FACTS } from "../../workers/services/version-facts.ts";
import { logName } from "../../workers/adapters/prediction-log.ts";

export const adapters = () => createAdapters(env);

/**
 * A fresh tenant with one key: tests never see each other's batches or models. Unless asked
 * not to, the tenant gets its own copy of the demo model (seed-1) and base data.
 */
export async function createTenantKey(
  scopes: Scope[] = ["ingest", "read", "feedback", "admin"],
  options: { model?: boolean } = {},
) {
  const tenant = `t-${crypto.randomUUID().slice(0, 8)}`;
  const { key } = await adapters().keys.createKey(tenant, scopes);
  const principal = await adapters().keys.verifyKey(key);
  if (!principal) throw new Error("a key just created does not verify");
  if (options.model !== false) await giveDemoModel(principal.tenantId);
  return { key, tenant, tenantId: principal.tenantId };
}

/** The demo tenant, seeded like `npm start` does. */
export async function ensureModel() {
  return seedDemo(adapters());
}

/** Copies the demo tenant's seed model and base dataset to another tenant, as its champion. */
export async function giveDemoModel(tenantId: string): Promise<void> {
  const a = adapters();
  await seedDemo(a);
  const demo = await a.keys.findTenantByName(DEMO_TENANT);
  const record = demo && (await a.models.findModel(demo.id, "seed-1"));
  const text = record && (await a.models.readArtifact(record));
  const base =
    demo &&
    (await env.DB.prepare("SELECT base_dataset_key AS key FROM tenants WHERE id = ?")
      .bind(demo.id)
      .first<{ key: string }>());
  const csv = base && (await (await env.BUCKET.get(base.key))?.text());
  if (!text || !csv) throw new Error("the demo tenant has no seed model to copy");
  const artifact = await decodeArtifact(text);
  await registerModel(a, tenantId, artifact, { status: "champion", source: "seed", fingerprint: record.fingerprint });
  await a.datasets.writeBase(tenantId, csv);
}

export function gzipJson(value: unknown): Uint8Array<ArrayBuffer> {
  return gzipSync(strToU8(JSON.stringify(value))) as Uint8Array<ArrayBuffer>;
}

export function api(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key) headers.set("authorization", `Bearer ${init.key}`);
  return exports.default.fetch(new Request(`http://edge-svm.test${path}`, { ...init, headers }));
}

export function postBatch(key: string, body: unknown, headers: Record<string, string> = {}) {
  return api("/v1/batches", {
    method: "POST",
    key,
    headers: { "content-type": "application/json", "content-encoding": "gzip", ...headers },
    body: gzipJson(body),
  });
}

/** Demo-like rows: d features each, deterministic. */
export function makeRows(n: number, d = 4, seed = 1): number[][] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 10 - 5;
  return Array.from({ length: n }, () => Array.from({ length: d }, next));
}

/** Publishes a copy of the seed model under another version name for the key's tenant. */
export async function publishCopy(key: string, version: string, activate = false): Promise<Artifact> {
  const demo = await adapters().keys.findTenantByName(DEMO_TENANT);
  const record = demo && (await adapters().models.findModel(demo.id, "seed-1"));
  const text = record && (await adapters().models.readArtifact(record));
  if (!text) throw new Error("no seed model to copy: call ensureModel() first");
  const { checksum: _, ...body } = JSON.parse(text) as Artifact;
  const artifact = await sealArtifact({ ...body, version, createdAt: new Date().toISOString() });
  const response = await api("/v1/models", {
    method: "POST",
    key,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ artifact, activate }),
  });
  if (response.status !== 201)
    throw new Error(`publishing ${version} answered ${response.status}: ${await response.text()}`);
  return artifact;
}

/**
 * A pending batch as ingest leaves it, without its queue messages: its D1 row and its rows in R2
 * (`features`, or demo-like rows). `scoreJobs(batch)` gives the claim checks ingest would send.
 */
export async function newBatch(
  tenantId: string,
  rows: number,
  chunks: number,
  callbackUrl: string | null = null,
  idempotencyKey: string | null = null,
  features: number[][] = makeRows(rows),
) {
  const d = features[0]?.length ?? 4;
  const { batch } = await adapters().batches.createBatch({
    id: `bat_t${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`,
    tenantId,
    rows,
    chunks,
    featureCount: d,
    idempotencyKey,
    bodyHash: "",
    callbackUrl,
  });
  await adapters().rows.putInput(tenantId, batch.id, {
    rows,
    offset: 0,
    featureCount: d,
    features: columnsFromRows(features, d),
    ids: null,
    margins: null,
    labels: null,
    modelVersion: null,
  });
  return batch;
}

/** The score jobs of a batch made by newBatch, chunk by chunk (as ingest sends them). */
export const scoreJobs = scoreJobsOf;

/** A finished batch's predictions as GET /v1/batches/:id would list them (read from R2). */
export async function storedPredictions(tenantId: string, batchId: string) {
  const batch = await adapters().batches.findBatch(tenantId, batchId);
  const scored = batch && (await readScoredRows(adapters(), batch));
  return toPredictions(scored, NO_FACTS);
}

/** Delivers message bodies to the queue handler as the platform would; returns acks and retries. */
export async function deliver(queue: string, bodies: unknown[], run = env, attempts = 1) {
  const messages = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(messages, run, ctx);
  return getQueueResult(messages, ctx);
}

/** Calls the API with queue producers that record instead of send: what it answered and queued. */
export async function callRecorded(
  path: string,
  init: RequestInit & { key?: string } = {},
  overrides: Partial<typeof env> = {},
) {
  const { env: recording, sent } = recordingEnv(overrides);
  const headers = new Headers(init.headers);
  if (init.key) headers.set("authorization", `Bearer ${init.key}`);
  const response = await createApp().fetch(
    new Request(`http://edge-svm.test${path}`, { ...init, headers }),
    recording,
    createExecutionContext(),
  );
  return { response, sent };
}

/** Calls the API and waits for what it left to waitUntil (a predict call's logging). */
export async function callSettled(path: string, init: RequestInit & { key?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.key) headers.set("authorization", `Bearer ${init.key}`);
  const ctx = createExecutionContext();
  const response = await createApp().fetch(new Request(`http://edge-svm.test${path}`, { ...init, headers }), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** The tenant's PredictionLog object (durable/prediction-log.ts) of a shard. */
export const predictionLogOf = (tenantId: string, shard = 0) =>
  env.PREDICTION_LOG.get(env.PREDICTION_LOG.idFromName(logName(tenantId, shard)));

/** Stores an artifact text under a version as-is (no checks), as a candidate: for tests of what loading refuses. */
export function saveRawModel(
  tenantId: string,
  version: string,
  checksum: string,
  featureNames: string[],
  text: string,
) {
  return adapters().models.saveModel(
    {
      tenantId,
      version,
      status: "candidate",
      parentVersion: null,
      checksum,
      featureNames: JSON.stringify(featureNames),
      trainingRows: 1,
      fingerprint: "x",
      metrics: "{}",
      gate: null,
      source: "cli",
      createdAt: Date.now(),
    },
    text,
  );
}
