// Bearer API keys with scopes. Verified keys are cached per isolate for a few seconds, so a
// hot client costs one D1 read per isolate per interval; a revoked key stops within that time.
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../contract/errors.ts";
import type { Principal, Scope } from "../adapters/key-store.ts";
import type { AppEnv } from "./app-env.ts";
import { limitKey } from "./rate-limit.ts";

const CACHE_MS = 10_000;
const cache = new Map<string, { principal: Principal; until: number }>();

/** Any valid key (e.g. GET /v1/me), or one that carries `scope`; then the key's rate limit (rate-limit.ts). */
export function requireScope(scope: Scope | null): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError("UNAUTHORIZED", "Send an API key as 'Authorization: Bearer <key>'.");
    const principal = await verify(match[1], c.get("adapters"));
    if (!principal) throw new ApiError("UNAUTHORIZED", "The API key is unknown or revoked.");
    if (scope !== null && !principal.scopes.includes(scope)) {
      throw new ApiError("FORBIDDEN", `This API key lacks the "${scope}" scope.`);
    }
    c.set("principal", principal);
    await limitKey(c, scope ?? "read");
    await next();
  };
}

async function verify(key: string, adapters: AppEnv["Variables"]["adapters"]): Promise<Principal | null> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.principal;
  const principal = await adapters.keys.verifyKey(key);
  if (principal) {
    if (cache.size > 1000) cache.clear();
    cache.set(key, { principal, until: now + CACHE_MS });
  } else {
    cache.delete(key);
  }
  return principal;
}
