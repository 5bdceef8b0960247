// Per-key rate limits, counted after authentication: requireScope (authenticate.ts) calls
// limitKey once it knows the key, so every keyed /v1 route is limited, by the class of the scope
// it needs (a route that needs any key, GET /v1/me, counts as read), and nothing else is. The
// count is per API key id, so one key's burst never slows another key of its tenant, or another
// tenant. Over the limit: a 429 RATE_LIMITED with Retry-After (seconds), in the one error body.
//
// Not limited, having no key: /v1/health, /v1/docs, /v1/openapi.json, and the signed webhook
// (POST /v1/webhooks/feedback). The webhook's caller is known only once its signature is
// checked; limiting it by the tenant it claims before that would let anyone with the tenant's
// name spend its budget with unsigned calls, and a forged call costs one HMAC under body caps.
import type { Context } from "hono";
import { ApiError } from "../contract/errors.ts";
import { RATE_LIMITS, type RateLimitClass } from "../contract/limits.ts";
import type { AppEnv } from "./app-env.ts";

/** Counts one request of the authenticated key in `scope`'s class; throws a 429 past its limit. */
export async function limitKey(c: Context<AppEnv>, scope: RateLimitClass): Promise<void> {
  const { keyId } = c.get("principal");
  const verdict = await c.get("adapters").rateLimiter.limit(scope, keyId);
  if (verdict.ok) return;
  const { limit, periodSeconds } = RATE_LIMITS[scope];
  throw new ApiError(
    "RATE_LIMITED",
    `This API key made more than ${limit} ${scope} requests in ${periodSeconds} s; retry after ${verdict.retryAfterSeconds} s.`,
    { "retry-after": String(verdict.retryAfterSeconds) },
  );
}
