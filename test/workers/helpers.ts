// Shared helpers for tests that run inside workerd against the real bindings.
import { env, exports } from "cloudflare:workers";
import { gzipSync, strToU8 } from "fflate";
import { createAdapters } from "../../workers/adapters/index.ts";
import type { Scope } from "../../workers/adapters/key-store.ts";
import { seedDemo } from "../../workers/services/seed-demo.ts";

export const adapters = () => createAdapters(env);

/** A fresh tenant with one key: tests never see each other's batches. */
export async function createTenantKey(scopes: Scope[] = ["ingest", "read", "feedback", "admin"]) {
  const tenant = `t-${crypto.randomUUID().slice(0, 8)}`;
  const { key } = await adapters().keys.createKey(tenant, scopes);
  const principal = await adapters().keys.verifyKey(key);
  if (!principal) throw new Error("a key just created does not verify");
  return { key, tenant, tenantId: principal.tenantId };
}

export async function ensureModel() {
  return seedDemo(adapters());
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
