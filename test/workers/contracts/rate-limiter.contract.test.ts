// The rate-limiter contract, against Workers Rate Limiting bindings with wrangler.toml's numbers
// (the local simulation; see ../deployed-rate-limits.ts) and the fixed-window twin: a fresh key
// makes its class's limit of calls, then is refused with a Retry-After within the period; keys
// and classes are counted apart. A burst may straddle a window's end, so a refusal is expected by
// the second window's limit, and only a refusal in the burst's own window proves the count exact.
import { describe, expect, it } from "vitest";
import { RATE_LIMITS, type RateLimitClass } from "../../../workers/contract/limits.ts";
import { createRateLimiter, type RateLimiter } from "../../../workers/adapters/rate-limiter.ts";
import { createMemoryRateLimiter } from "../../../workers/adapters/memory/rate-limiter.ts";
import { describeContract, freshId } from "./contract.ts";
import { deployedRateLimitBindings } from "../deployed-rate-limits.ts";

const CLASSES = Object.keys(RATE_LIMITS) as RateLimitClass[];
const windowOf = (scope: RateLimitClass) => Math.floor(Date.now() / (RATE_LIMITS[scope].periodSeconds * 1000));

/** Calls until the first refusal (at most two windows' worth): the calls let through, and the refusal. */
async function burst(limiter: RateLimiter, scope: RateLimitClass, key: string) {
  const first = windowOf(scope);
  for (let passed = 0; passed <= 2 * RATE_LIMITS[scope].limit; passed++) {
    const verdict = await limiter.limit(scope, key);
    if (!verdict.ok) return { passed, refusal: verdict, first, sameWindow: windowOf(scope) === first };
    expect(verdict.retryAfterSeconds).toBe(0);
  }
  throw new Error(`${key} was never refused in ${scope}`);
}

describeContract(
  "RateLimiter",
  "ratelimit",
  () => createRateLimiter(deployedRateLimitBindings()),
  () => createMemoryRateLimiter(),
  (make) => {
    it.each(CLASSES)(
      "lets a fresh key make the %s limit of calls, then refuses it with a Retry-After within the period",
      async (scope) => {
        const limiter = await make();
        const { limit, periodSeconds } = RATE_LIMITS[scope];
        const key = freshId("key");
        const { passed, refusal, first, sameWindow } = await burst(limiter, scope, key);
        expect(passed).toBeGreaterThanOrEqual(limit);
        if (sameWindow) expect(passed).toBe(limit);
        expect(refusal.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(refusal.retryAfterSeconds).toBeLessThanOrEqual(periodSeconds);
        // A refusal counts nothing and resets nothing: the key stays refused in its window.
        const still = await limiter.limit(scope, key);
        if (windowOf(scope) === first) expect(still.ok).toBe(false);
      },
    );

    it("counts keys apart, and a key's classes apart", async () => {
      const limiter = await make();
      const [key, other] = [freshId("key"), freshId("key")];
      await burst(limiter, "admin", key);
      expect((await limiter.limit("admin", key)).ok).toBe(false);
      expect(await limiter.limit("admin", other)).toEqual({ ok: true, retryAfterSeconds: 0 });
      for (const scope of CLASSES.filter((s) => s !== "admin")) {
        expect(await limiter.limit(scope, key)).toEqual({ ok: true, retryAfterSeconds: 0 });
      }
    });
  },
);

describe("RateLimiter (memory) windows", () => {
  const limits = { ...RATE_LIMITS, feedback: { limit: 2, periodSeconds: 10 } };

  it("resets at the end of the clock-aligned window, and Retry-After counts down to it", async () => {
    let t = 1_700_000_000_000; // a multiple of 10 s
    const limiter = createMemoryRateLimiter(limits, () => t);
    expect((await limiter.limit("feedback", "k")).ok).toBe(true);
    t += 2_500;
    expect((await limiter.limit("feedback", "k")).ok).toBe(true);
    expect(await limiter.limit("feedback", "k")).toEqual({ ok: false, retryAfterSeconds: 8 });
    t += 7_400;
    expect(await limiter.limit("feedback", "k")).toEqual({ ok: false, retryAfterSeconds: 1 });
    t += 100;
    expect(await limiter.limit("feedback", "k")).toEqual({ ok: true, retryAfterSeconds: 0 });
  });
});

describe("RateLimiter (ratelimit) failure", () => {
  it("lets a request through when the binding fails, rather than failing the API", async () => {
    const failing = { limit: () => Promise.reject(new Error("limiter down")) } satisfies RateLimit;
    const limiter = createRateLimiter({ ...deployedRateLimitBindings(), ingest: failing });
    expect(await limiter.limit("ingest", freshId("key"))).toEqual({ ok: true, retryAfterSeconds: 0 });
  });
});
