// Per-key rate limits through the Worker's app, on Workers Rate Limiting bindings (the local
// simulation) with the deployed numbers: a burst over a class's limit is answered 429
// RATE_LIMITED with Retry-After, in the one error body; calls under the limit are served; another
// key of the same tenant, and the same key's other classes, are not slowed; keyless routes are
// never limited. The limits the code states (RATE_LIMITS) are wrangler.toml's.
import { beforeAll, describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import { RATE_LIMITS, type RateLimitClass } from "../../workers/contract/limits.ts";
import type { ErrorBody } from "../../workers/contract/errors.ts";
import { createApp } from "../../workers/http/app.ts";
import { adapters, createTenantKey } from "./helpers.ts";
import { deployedEnv } from "./deployed-rate-limits.ts";

const app = createApp();
const deployed = deployedEnv();

function fetchApp(path: string, init: RequestInit & { key?: string } = {}, env = deployed) {
  const headers = new Headers(init.headers);
  if (init.key) headers.set("authorization", `Bearer ${init.key}`);
  return app.fetch(new Request(`http://edge-svm.test${path}`, { ...init, headers }), env);
}

/** A cheap call of each class: the limit is counted before the handler reads anything. */
const CALLS: Record<"feedback" | "admin", RequestInit & { path: string }> = {
  feedback: {
    path: "/v1/predictions/feedback",
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  },
  admin: { path: "/v1/batches/bat_000000000000", method: "DELETE" },
};
const call = (scope: keyof typeof CALLS, key: string, env = deployed) =>
  fetchApp(CALLS[scope].path, { ...CALLS[scope], key }, env);

/**
 * Calls until the first 429 (at most two windows' worth: a burst may straddle a window's end).
 * A key already refused is refused again at once, so a test that needs the key refused calls it.
 */
async function burst(scope: keyof typeof CALLS, key: string) {
  const statuses: number[] = [];
  for (let i = 0; i <= 2 * RATE_LIMITS[scope].limit; i++) {
    const response = await call(scope, key);
    if (response.status === 429) return { statuses, refused: response };
    statuses.push(response.status);
    await response.body?.cancel();
  }
  throw new Error(`no 429 after ${statuses.length} ${scope} calls`);
}

describe("per-key rate limits", () => {
  let tenant: string;
  let key: string;
  beforeAll(async () => {
    ({ tenant, key } = await createTenantKey(["ingest", "read", "feedback", "admin"], { model: false }));
  });

  it.each(["feedback", "admin"] as const)(
    "serves a key's %s calls up to the limit, then answers 429 RATE_LIMITED with Retry-After",
    async (scope) => {
      const { statuses, refused } = await burst(scope, key);
      expect(statuses.length).toBeGreaterThanOrEqual(RATE_LIMITS[scope].limit);
      expect(statuses.every((s) => s !== 429 && s < 500)).toBe(true);
      // The binding tells no window's end, so the wait asked is its whole period.
      expect(refused.headers.get("retry-after")).toBe(String(RATE_LIMITS[scope].periodSeconds));
      const body = (await refused.json()) as ErrorBody;
      expect(body.error.code).toBe("RATE_LIMITED");
      expect(body.error.message).toMatch(new RegExp(`more than ${RATE_LIMITS[scope].limit} ${scope} requests`));
      expect(body.error.requestId).toBe(refused.headers.get("x-request-id"));
      expect(refused.headers.get("content-type")).toMatch(/^application\/json/);
    },
  );

  it("does not slow another key of the same tenant, nor the limited key's other classes", async () => {
    await burst("admin", key);
    const other = await adapters().keys.createKey(tenant, ["read", "admin"]);
    expect((await call("admin", other.key)).status).not.toBe(429);
    const me = await fetchApp("/v1/me", { key });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { keyId: string }).keyId).not.toBe(other.id);
  });

  it("never limits the keyless routes, nor answers 429 before 401 for an unknown key", async () => {
    await burst("admin", key);
    for (const path of ["/v1/health", "/v1/openapi.json"]) {
      expect((await fetchApp(path, { key })).status).toBe(200);
    }
    expect((await call("admin", `${key.slice(0, -4)}AAAA`)).status).toBe(401);
  });

  it("lets everything through when the var RATE_LIMITS is off", async () => {
    await burst("admin", key);
    expect((await call("admin", key, deployedEnv({ RATE_LIMITS: "off" }))).status).not.toBe(429);
  });
});

describe("the limits in the code", () => {
  it("are the [[ratelimits]] bindings of wrangler.toml, one per class, each in its own namespace", () => {
    const blocks = [
      ...wranglerToml.matchAll(
        /\[\[ratelimits\]\]\s+name = "RATE_LIMIT_(\w+)"\s+namespace_id = "(\d+)"\s+simple = \{ limit = (\d+), period = (\d+) \}/g,
      ),
    ];
    const table = Object.fromEntries(
      blocks.map(([, name, , limit, period]) => [
        name.toLowerCase(),
        { limit: Number(limit), periodSeconds: Number(period) },
      ]),
    );
    expect(table).toEqual(RATE_LIMITS);
    expect(new Set(blocks.map(([, , namespace]) => namespace)).size).toBe(blocks.length);
    expect(Object.keys(table).sort()).toEqual((Object.keys(RATE_LIMITS) as RateLimitClass[]).sort());
  });
});
