// The dev cron ticker `npm start` runs beside wrangler dev: when each cron fires (UTC), what it
// refuses to guess at, and what it calls.
import { afterEach, describe, expect, it, vi } from "vitest";
import { CronParseError, nextFireTime, parseCron } from "../../scripts/cron-schedule.ts";
import { devOrigin, readCrons, scheduledUrl, startDevCron, wranglerDevArgs } from "../../scripts/dev-cron.ts";

const next = (expression: string, after: string) => nextFireTime(parseCron(expression), new Date(after)).toISOString();

describe("the next time a cron fires", () => {
  it.each([
    ["*/15 * * * *", "2026-11-23T10:07:30Z", "2026-11-23T10:15:00.000Z"],
    ["*/15 * * * *", "2026-11-23T10:15:00Z", "2026-11-23T10:30:00.000Z"],
    ["*/15 * * * *", "2026-11-23T10:14:59.999Z", "2026-11-23T10:15:00.000Z"],
    ["*/15 * * * *", "2026-12-31T23:50:00Z", "2027-01-01T00:00:00.000Z"],
    ["* * * * *", "2026-11-23T10:07:30Z", "2026-11-23T10:08:00.000Z"],
    ["0 * * * *", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00.000Z"],
    ["5,35 */6 * * *", "2026-11-23T06:36:00Z", "2026-11-23T12:05:00.000Z"],
    ["30 3 * * *", "2026-01-31T04:00:00Z", "2026-02-01T03:30:00.000Z"],
    ["0 0 1 */3 *", "2026-02-10T00:00:00Z", "2026-04-01T00:00:00.000Z"],
    ["10-20/5 8-9 * * *", "2026-11-23T08:21:00Z", "2026-11-23T09:10:00.000Z"],
    ["0 12 31 * *", "2026-04-01T00:00:00Z", "2026-05-31T12:00:00.000Z"],
    ["0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00.000Z"],
  ])("%s after %s is %s", (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it.each([
    ["a macro", "@hourly", /expected five fields/],
    ["four fields", "*/15 * * *", /expected five fields/],
    ["a weekday", "0 9 * * 1", /day of week "1" is not supported/],
    ["a weekday name", "0 9 * * MON", /day of week "MON" is not supported/],
    ["a month name", "0 9 * JAN *", /month "JAN" is not understood/],
    ["the last day of the month", "0 0 L * *", /day of month "L" is not understood/],
    ["a minute out of range", "60 * * * *", /minute "60" is outside 0-59/],
    ["a backwards range", "5-1 * * * *", /minute "5-1" is outside/],
    ["a zero step", "*/0 * * * *", /step below 1/],
    ["a step that is not a number", "*/x * * * *", /bad step/],
    ["a date that never comes", "0 0 31 2 *", /never fires/],
  ])("refuses %s with a message naming the cron", (_name, expression, message) => {
    const attempt = () => next(expression, "2026-01-01T00:00:00Z");
    expect(attempt).toThrow(CronParseError);
    expect(attempt).toThrow(message);
  });

  it("follows every cron of wrangler.toml", () => {
    const crons = readCrons();
    expect(crons).toContain("*/15 * * * *");
    for (const cron of crons) expect(() => parseCron(cron)).not.toThrow();
  });
});

describe("the ticker", () => {
  afterEach(() => vi.useRealTimers());

  it("calls the local scheduled endpoint with the cron and its time when it is due, and again after", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-23T10:14:58Z") });
    const calls: string[] = [];
    const lines: string[] = [];
    const send = vi.fn(async (url: string | URL | Request) => {
      calls.push(String(url));
      return new Response("ok");
    });
    const ticker = startDevCron({
      origin: "http://127.0.0.1:8787",
      crons: ["*/15 * * * *"],
      fetch: send as typeof fetch,
      log: (line) => lines.push(line),
    });
    expect(lines).toEqual(["[dev-cron] */15 * * * *: next run 2026-11-23T10:15:00.000Z (UTC)"]);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    const due = Date.parse("2026-11-23T10:15:00Z");
    expect(calls).toEqual([`http://127.0.0.1:8787/cdn-cgi/handler/scheduled?cron=*%2F15+*+*+*+*&time=${due}`]);
    expect(lines.at(-1)).toBe("[dev-cron] */15 * * * * at 2026-11-23T10:15:00.000Z: ok");

    await vi.advanceTimersByTimeAsync(15 * 60_000);
    expect(calls).toHaveLength(2);
    expect(new URL(calls[1]).searchParams.get("time")).toBe(String(due + 15 * 60_000));

    ticker.stop();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(calls).toHaveLength(2);
  });

  it("says so and keeps ticking when wrangler dev does not answer", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-23T10:14:59Z") });
    const lines: string[] = [];
    const ticker = startDevCron({
      origin: "http://127.0.0.1:8787",
      crons: ["* * * * *"],
      fetch: (async () => {
        throw new TypeError("fetch failed");
      }) as typeof fetch,
      log: (line) => lines.push(line),
    });
    await vi.advanceTimersByTimeAsync(61_000);
    ticker.stop();
    expect(lines.filter((line) => line.includes("not reachable"))).toHaveLength(2);
  });

  it("refuses to start on a cron it cannot follow, before any timer runs", () => {
    expect(() => startDevCron({ origin: "http://127.0.0.1:8787", crons: ["0 9 * * MON-FRI"] })).toThrow(
      /day of week "MON-FRI" is not supported/,
    );
  });

  it.each([
    [[], "http://127.0.0.1:8787"],
    [["--port", "8787", "--var", "STUCK_BATCH_SECONDS:5"], "http://127.0.0.1:8787"],
    [["--port", "8787", "--port", "9000"], "http://127.0.0.1:9000"],
    [["--ip", "127.0.0.1", "--port=9001"], "http://127.0.0.1:9001"],
    [["--ip", "0.0.0.0"], "http://127.0.0.1:8787"],
    [["--ip", "::1"], "http://[::1]:8787"],
  ])("finds wrangler dev at the address its arguments %j give", (args, origin) => {
    expect(devOrigin(args)).toBe(origin);
  });

  it.each([
    [[], ["dev", "--persist-to", ".wrangler/state", "--ip", "127.0.0.1", "--port", "8787"]],
    [
      ["--var", "STUCK_BATCH_SECONDS:5"],
      [
        "dev",
        "--persist-to",
        ".wrangler/state",
        "--ip",
        "127.0.0.1",
        "--port",
        "8787",
        "--var",
        "STUCK_BATCH_SECONDS:5",
      ],
    ],
    [
      ["--port=9000", "--persist-to", "/tmp/state"],
      ["dev", "--ip", "127.0.0.1", "--port=9000", "--persist-to", "/tmp/state"],
    ],
  ])("starts wrangler dev with npm start's defaults and the arguments %j", (extra, args) => {
    expect(wranglerDevArgs(extra)).toEqual(args);
  });

  it("builds the scheduled URL wrangler dev answers", () => {
    const url = new URL(scheduledUrl("http://127.0.0.1:8787", "*/15 * * * *", new Date(0)));
    expect(url.pathname).toBe("/cdn-cgi/handler/scheduled");
    expect(Object.fromEntries(url.searchParams)).toEqual({ cron: "*/15 * * * *", time: "0" });
  });
});
