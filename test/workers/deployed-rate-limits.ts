// The rate limiters as deployed: in the workers pool, vitest.config.ts lifts the limits of the
// wrangler.toml bindings (the tests send hundreds of calls with one key) and adds bindings with
// the deployed numbers, which these put in the bindings' places.
import { env } from "cloudflare:workers";
import type { RateLimitBindings } from "../../workers/adapters/rate-limiter.ts";

export const deployedRateLimitBindings = (): RateLimitBindings => ({
  ingest: env.DEPLOYED_RATE_LIMIT_INGEST,
  read: env.DEPLOYED_RATE_LIMIT_READ,
  feedback: env.DEPLOYED_RATE_LIMIT_FEEDBACK,
  admin: env.DEPLOYED_RATE_LIMIT_ADMIN,
});

/** The Worker's env with the deployed limits (and `vars` overriding its vars). */
export function deployedEnv(vars: Record<string, string> = {}): Env {
  const { ingest, read, feedback, admin } = deployedRateLimitBindings();
  return {
    ...env,
    RATE_LIMIT_INGEST: ingest,
    RATE_LIMIT_READ: read,
    RATE_LIMIT_FEEDBACK: feedback,
    RATE_LIMIT_ADMIN: admin,
    ...vars,
  } as Env;
}
