import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The rate limiters with wrangler.toml's numbers (vitest.config.ts lifts RATE_LIMIT_* in the pool). */
      DEPLOYED_RATE_LIMIT_INGEST: RateLimit;
      DEPLOYED_RATE_LIMIT_READ: RateLimit;
      DEPLOYED_RATE_LIMIT_FEEDBACK: RateLimit;
      DEPLOYED_RATE_LIMIT_ADMIN: RateLimit;
    }
  }
}
