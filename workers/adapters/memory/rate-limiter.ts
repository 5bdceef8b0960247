// The in-memory twin of rate-limiter.ts: a fixed-window counter per class and key, its windows
// aligned to the clock as the local simulation of the binding aligns them. It knows when its
// window ends, so its Retry-After counts down to that (the binding's is the whole period).
import { RATE_LIMITS, type RateLimitTable } from "../../contract/limits.ts";
import type { RateLimiter } from "../rate-limiter.ts";

// Past this many counters, those of ended windows are dropped, so idle keys cost nothing.
const PRUNE_AFTER = 10_000;

export function createMemoryRateLimiter(
  limits: RateLimitTable = RATE_LIMITS,
  now: () => number = () => Date.now(),
): RateLimiter {
  const windows = new Map<string, { start: number; end: number; count: number }>();
  return {
    async limit(scope, keyId) {
      const { limit, periodSeconds } = limits[scope];
      const periodMs = periodSeconds * 1000;
      const t = now();
      const start = Math.floor(t / periodMs) * periodMs;
      const id = `${scope} ${keyId}`;
      let window = windows.get(id);
      if (window?.start !== start) {
        if (windows.size >= PRUNE_AFTER) for (const [k, w] of windows) if (w.end <= t) windows.delete(k);
        window = { start, end: start + periodMs, count: 0 };
        windows.set(id, window);
      }
      if (window.count >= limit) {
        return {
          ok: false,
          retryAfterSeconds: Math.min(periodSeconds, Math.max(1, Math.ceil((window.end - t) / 1000))),
        };
      }
      window.count += 1;
      return { ok: true, retryAfterSeconds: 0 };
    },
  };
}
