// Requests that survive a busy server: 429 (rate limited) and 503 (a store or queue briefly
// down) are retried with exponential backoff, waiting at least what Retry-After asks. The request
// is rebuilt for every attempt with the same headers, so a batch's Idempotency-Key stays the same
// and a retry can never create a second batch.
export interface RetryOptions {
  /** Attempts in all, the first included (default 6). */
  attempts?: number;
  /** The first wait in ms, doubled at each retry (default 250). */
  baseDelayMs?: number;
  /** Waits for a number of ms; tests pass one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

const RETRIED = new Set([429, 503]);

export async function fetchWithRetry(
  fetcher: typeof fetch,
  url: string,
  init: () => RequestInit,
  options: RetryOptions = {},
): Promise<Response> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 250;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    const response = await fetcher(url, init());
    if (!RETRIED.has(response.status) || attempt >= attempts) return response;
    const asked = Number(response.headers.get("retry-after"));
    const backoff = base * 2 ** (attempt - 1);
    await response.body?.cancel();
    await sleep(Math.max(Number.isFinite(asked) ? asked * 1000 : 0, backoff));
  }
}
