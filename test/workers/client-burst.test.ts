// Issue 14, done when "a burst over the limit gets 429s and the client's retries finish the work":
// the typed client, over the Worker's app on the Workers Rate Limiting bindings with the deployed
// numbers (test/workers/deployed-rate-limits.ts), sends one key's burst of feedback calls, more
// than the feedback class allows in its window, all at once. The Worker serves exactly the limit
// and answers the rest 429 RATE_LIMITED with Retry-After; the client sleeps what Retry-After asks
// (really: the binding's window is wall-clock time) and retries, and every call ends accepted.
//
// Deterministic: the binding's windows are aligned to the wall clock (period 10 s), so the burst
// starts early in a window (waiting for the next one if too little of this one is left) and all
// its first attempts are counted in that one window: `limit` are served, the other BURST - limit
// refused. Their retries, a whole period later, fall in a later window, which has room for all of
// them (BURST <= 2 * limit), so each refused call is retried exactly once. The test takes about one
// period (plus up to SAFE_MS of waiting for a fresh window).
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../client/index.ts";
import { RATE_LIMITS } from "../../workers/contract/limits.ts";
import { createApp } from "../../workers/http/app.ts";
import { adapters, createTenantKey, makeRows } from "./helpers.ts";
import { deployedEnv } from "./deployed-rate-limits.ts";

const BASE = "http://edge-svm.test";
const { limit, periodSeconds } = RATE_LIMITS.feedback;
const PERIOD_MS = periodSeconds * 1000;
/** Calls in the burst: over the limit, and at most two windows' worth. */
const BURST = limit + 20;
/** The burst starts only with at least this much of its window left (it takes well under 1 s). */
const SAFE_MS = 5000;

const app = createApp();
const deployed = deployedEnv();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** The binding's window (miniflare's simulation: floor(now / period)) a moment falls in. */
const windowOf = (ms: number) => Math.floor(ms / PERIOD_MS);

let key = "";
let batchId = "";

beforeAll(async () => {
  let tenantId = "";
  ({ key, tenantId } = await createTenantKey(["ingest", "read", "feedback"]));
  const names = JSON.parse((await adapters().models.findChampion(tenantId))?.featureNames ?? "[]") as string[];
  // A scored batch to label, made through the Worker with the pool's lifted limits (the deployed
  // ones count per class, so this costs the burst's feedback class nothing anyway).
  const setup = createClient({
    baseUrl: BASE,
    key,
    fetch: (input, init) => exports.default.fetch(new Request(input, init)),
    retry: { sleep: async () => undefined },
  });
  const { batchId: id } = await setup.submitBatch(makeRows(BURST, names.length, 14));
  expect((await setup.waitForBatch(id)).status).toBe("complete");
  batchId = id;
});

describe("a burst over the deployed limit, through the client", () => {
  it("gets 429s, and the client's retries (after Retry-After) finish every call", { timeout: 60_000 }, async () => {
    const statuses: number[] = [];
    let firstAnswered = 0;
    const retryAfter: (string | null)[] = [];
    const slept: number[] = [];
    const deployedFetch: typeof fetch = async (input, init) => {
      const response = await app.fetch(new Request(input, init), deployed);
      statuses.push(response.status);
      if (statuses.length === BURST) firstAnswered = Date.now();
      if (response.status === 429) retryAfter.push(response.headers.get("retry-after"));
      return response;
    };
    const client = createClient({
      baseUrl: BASE,
      key,
      fetch: deployedFetch,
      retry: {
        sleep: (ms) => {
          slept.push(ms);
          return sleep(ms);
        },
      },
    });

    const left = PERIOD_MS - (Date.now() % PERIOD_MS);
    if (left < SAFE_MS) await sleep(left + 50);
    const started = Date.now();

    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, row) =>
        client.sendFeedback(batchId, { rows: [row], labels: [row % 2 === 0 ? 1 : 0] }),
      ),
    );
    const elapsed = Date.now() - started;

    // Every first attempt was answered (before any retry, which waits a whole period) within the
    // window the burst started in, so all were counted there: `limit` served, the rest refused.
    expect(windowOf(firstAnswered)).toBe(windowOf(started));
    const first = statuses.slice(0, BURST);
    expect(first.filter((s) => s === 202)).toHaveLength(limit);
    expect(first.filter((s) => s === 429)).toHaveLength(BURST - limit);
    expect(retryAfter.every((r) => r === String(periodSeconds))).toBe(true);
    // The client slept what Retry-After asked, once per refused call, and each retry was served.
    expect(slept).toEqual(Array.from({ length: BURST - limit }, () => PERIOD_MS));
    expect(statuses.slice(BURST)).toEqual(Array.from({ length: BURST - limit }, () => 202));
    // Every call of the burst finished: each row's label accepted, none lost.
    expect(answers).toEqual(Array.from({ length: BURST }, () => ({ batchId, accepted: 1 })));
    expect(elapsed).toBeGreaterThanOrEqual(PERIOD_MS);
  });
});
