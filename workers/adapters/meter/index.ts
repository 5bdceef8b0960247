// The usage meter: counts what the Worker asks of the billed services (D1, KV, R2, Queues,
// Durable Objects) and its own invocations, so `npm run bench:scale` can price a run per scored
// row. When the var METER is "on", the Worker entry wraps the bindings of its env in counting
// proxies; otherwise nothing is wrapped and nothing is counted. Counts are module state, so
// they are per isolate; wrangler dev runs one isolate, which GET /v1/_meter reads.
//
// The counted shape, and what each count means in Cloudflare's billing terms, is in counts.ts;
// each service's proxy is in a module of its own name beside it. This module picks the proxy
// for each binding.
import { recordInvocation, type InvocationKind } from "./counts.ts";
import { meterD1 } from "./d1.ts";
import { meterNamespace } from "./durable-objects.ts";
import { meterKv } from "./kv.ts";
import { recordDelivery, meterQueue } from "./queues.ts";
import { meterR2 } from "./r2.ts";

export {
  readMeter,
  recordDurableStorage,
  recordInvocation,
  resetMeter,
  type InvocationKind,
  type MeterSnapshot,
} from "./counts.ts";
export { recordDelivery } from "./queues.ts";

/** The var is not in wrangler.toml (so not in the generated Env): the bench passes --var METER:on. */
export function isMeterOn(env: Env): boolean {
  return (env as Env & { METER?: unknown }).METER === "on";
}

/** The env an entry point should use: metered (and the invocation counted) when METER is "on". */
export function meterInvocation(kind: InvocationKind, env: Env, batch?: MessageBatch): Env {
  if (!isMeterOn(env)) return env;
  recordInvocation(kind);
  if (batch) recordDelivery(batch);
  return meterEnv(env);
}

// workerd passes the same env object to every invocation: wrapping it once keeps its identity.
const metered = new WeakMap<object, Env>();

/** The env with D1, KV, R2, queue producers and Durable Object namespaces wrapped by counters. */
export function meterEnv(env: Env): Env {
  const known = metered.get(env);
  if (known) return known;
  const wrapped: Record<string, unknown> = { ...env };
  for (const [name, value] of Object.entries(env)) wrapped[name] = meterBinding(name, value);
  metered.set(env, wrapped as unknown as Env);
  return wrapped as unknown as Env;
}

// Recognised by their runtime class: a service binding (Fetcher) answers every property name
// with an RPC method, so shape checks alone would take ASSETS for a D1 database.
function meterBinding(name: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const kind = (value.constructor as { name?: string } | undefined)?.name;
  if (kind === "Fetcher") return value;
  if (kind === "D1Database") return meterD1(value as D1Database);
  if (kind === "KvNamespace") return meterKv(value as KVNamespace);
  if (kind === "R2Bucket") return meterR2(value as R2Bucket);
  if (kind === "WorkerQueue" || /_(QUEUE|DLQ)$/.test(name)) return meterQueue(name, value as Queue);
  if (kind === "DurableObjectNamespace" || hasMethods(value, ["idFromName", "get"])) {
    return meterNamespace(name, value as DurableObjectNamespace);
  }
  return value;
}

function hasMethods(value: object, names: string[]): boolean {
  return names.every((n) => typeof (value as Record<string, unknown>)[n] === "function");
}
