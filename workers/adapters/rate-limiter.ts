// Per-key rate limits over the Workers Rate Limiting bindings (wrangler.toml [[ratelimits]]), one
// binding per class, since a binding's limit and period are fixed in its config. A call counts
// one request of `keyId` in its class's namespace, so one key's burst never slows another key,
// nor the same key's other classes. Counters are per Cloudflare location and approximate.
import { RATE_LIMITS, type RateLimitClass, type RateLimitTable } from "../contract/limits.ts";

export interface RateLimitVerdict {
  ok: boolean;
  /** Seconds to wait before trying again: 0 when ok, else at least 1 and at most the period. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one request of the key in the class, and says whether it is within the limit. */
  limit(scope: RateLimitClass, keyId: string): Promise<RateLimitVerdict>;
}

export type RateLimitBindings = Record<RateLimitClass, RateLimit>;

/** The bindings of wrangler.toml, by class. */
export function rateLimitBindings(env: Env): RateLimitBindings {
  return {
    ingest: env.RATE_LIMIT_INGEST,
    read: env.RATE_LIMIT_READ,
    feedback: env.RATE_LIMIT_FEEDBACK,
    admin: env.RATE_LIMIT_ADMIN,
  };
}

/** A limiter that lets everything through (the var RATE_LIMITS = "off"). */
export const UNLIMITED: RateLimiter = { limit: async () => ({ ok: true, retryAfterSeconds: 0 }) };

/**
 * `limits` must be the bindings' own numbers (RATE_LIMITS is wrangler.toml's): the binding says
 * neither how many calls are left nor when its window ends, so a refusal asks the client to wait
 * one whole period, the longest a refusal lasts.
 */
export function createRateLimiter(bindings: RateLimitBindings, limits: RateLimitTable = RATE_LIMITS): RateLimiter {
  return {
    async limit(scope, keyId) {
      try {
        const { success } = await bindings[scope].limit({ key: keyId });
        return success
          ? { ok: true, retryAfterSeconds: 0 }
          : { ok: false, retryAfterSeconds: limits[scope].periodSeconds };
      } catch (error) {
        // The limiter guards against bursts; its failure must not take the API down with it.
        console.error(`rate limiter (${scope}) failed, request let through: ${(error as Error).message}`);
        return { ok: true, retryAfterSeconds: 0 };
      }
    },
  };
}
