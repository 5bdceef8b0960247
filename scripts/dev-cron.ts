// The dev-only cron ticker: `wrangler dev` never fires cron triggers by itself, so `npm start`
// runs this beside it. At each time a cron of wrangler.toml `[triggers] crons` is due, it calls
// the local server's scheduled endpoint with that cron and time, as the platform would.
import { unstable_readConfig } from "wrangler";
import { nextFireTime, parseCron, type CronSchedule } from "./cron-schedule.ts";

// setTimeout cannot wait longer than 2^31 - 1 ms (about 24 days); longer waits are re-armed.
const LONGEST_WAIT_MS = 2 ** 31 - 1;

export interface DevCronOptions {
  /** Where wrangler dev listens, e.g. http://127.0.0.1:8787. */
  origin: string;
  crons: string[];
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

/** The cron expressions of wrangler.toml's `[triggers] crons`. */
export function readCrons(configPath = "wrangler.toml"): string[] {
  return unstable_readConfig({ config: configPath }).triggers.crons ?? [];
}

const DEV_DEFAULTS = [
  ["--persist-to", ".wrangler/state"],
  ["--ip", "127.0.0.1"],
  ["--port", "8787"],
] as const;

function optionIndex(args: string[], name: string): number {
  return args.findLastIndex((arg) => arg === name || arg.startsWith(`${name}=`));
}

/** `wrangler dev` with `npm start`'s defaults for whatever of them the caller did not give. */
export function wranglerDevArgs(extra: string[]): string[] {
  const defaults = DEV_DEFAULTS.filter(([name]) => optionIndex(extra, name) === -1).flat();
  return ["dev", ...defaults, ...extra];
}

/** The origin wrangler dev will listen on, given the arguments it is started with. */
export function devOrigin(args: string[]): string {
  const option = (name: string) => {
    const i = optionIndex(args, name);
    if (i === -1) return undefined;
    return args[i].includes("=") ? args[i].slice(name.length + 1) : args[i + 1];
  };
  const ip = option("--ip") ?? "127.0.0.1";
  const host = ip === "0.0.0.0" || ip === "*" ? "127.0.0.1" : ip.includes(":") ? `[${ip}]` : ip;
  return `http://${host}:${option("--port") ?? "8787"}`;
}

/** The URL that fires `cron` for `time` on a local wrangler dev. */
export function scheduledUrl(origin: string, cron: string, time: Date): string {
  const query = new URLSearchParams({ cron, time: String(time.getTime()) });
  return `${origin}/cdn-cgi/handler/scheduled?${query}`;
}

/** Starts one timer per cron; every cron is parsed first, so a bad one fails before anything runs. */
export function startDevCron(options: DevCronOptions): { stop: () => void } {
  const { origin, fetch: send = fetch, log = console.log } = options;
  const schedules = options.crons.map(parseCron);
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  async function fire(schedule: CronSchedule, time: Date): Promise<void> {
    try {
      const response = await send(scheduledUrl(origin, schedule.expression, time));
      const outcome = (await response.text()).trim();
      log(`[dev-cron] ${schedule.expression} at ${time.toISOString()}: ${response.ok ? "ok" : outcome}`);
    } catch (error) {
      log(`[dev-cron] ${schedule.expression} at ${time.toISOString()}: wrangler dev not reachable (${error})`);
    }
  }

  function arm(schedule: CronSchedule, due: Date): void {
    if (stopped) return;
    const wait = Math.min(Math.max(due.getTime() - Date.now(), 0), LONGEST_WAIT_MS);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (Date.now() < due.getTime()) return arm(schedule, due);
      void fire(schedule, due);
      // After a long sleep of the machine, skip the missed runs rather than fire them all at once.
      arm(schedule, nextFireTime(schedule, new Date(Math.max(due.getTime(), Date.now()))));
    }, wait);
    // The ticker never keeps the process alive on its own: it lives as long as wrangler dev.
    timer.unref();
    timers.add(timer);
  }

  for (const schedule of schedules) {
    const due = nextFireTime(schedule, new Date());
    log(`[dev-cron] ${schedule.expression}: next run ${due.toISOString()} (UTC)`);
    arm(schedule, due);
  }
  return {
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
