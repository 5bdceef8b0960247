// When a cron expression next fires, for the dev ticker (`npm start` runs it beside wrangler dev,
// which never fires cron triggers locally). Cloudflare evaluates cron in UTC, and so does this.
// It knows the five-field numeric forms (`*`, `*/15`, `5`, `1-5`, `1-5/2`, `0,30`) in the minute,
// hour, day-of-month and month fields, and only `*` for day of week; anything else (names, `L`,
// `W`, `#`, `@hourly`) is refused with a message, never guessed at.

export interface CronSchedule {
  expression: string;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
}

export class CronParseError extends Error {}

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
] as const;

const INTEGER = /^\d+$/;
const MINUTE_MS = 60_000;
// A schedule that has not fired in this long never will (e.g. "0 0 31 2 *").
const HORIZON_MS = 8 * 366 * 24 * 60 * MINUTE_MS;

function parseField(text: string, field: (typeof FIELDS)[number], expression: string): Set<number> {
  const refuse = (why: string) =>
    new CronParseError(`cron "${expression}": ${field.name} "${text}" ${why} (the dev ticker reads numbers only)`);
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText, ...extra] = part.split("/");
    if (extra.length > 0 || (stepText !== undefined && !INTEGER.test(stepText))) throw refuse("has a bad step");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw refuse("has a step below 1");
    let from: number;
    let to: number;
    if (range === "*") {
      [from, to] = [field.min, field.max];
    } else {
      const bounds = range.split("-");
      if (bounds.length > 2 || !bounds.every((bound) => INTEGER.test(bound))) throw refuse("is not understood");
      from = Number(bounds[0]);
      to = bounds.length === 2 ? Number(bounds[1]) : stepText === undefined ? from : field.max;
    }
    if (from < field.min || to > field.max || from > to) {
      throw refuse(`is outside ${field.min}-${field.max}`);
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/** Reads a five-field cron expression, or throws CronParseError saying what it cannot read. */
export function parseCron(expression: string): CronSchedule {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new CronParseError(`cron "${expression}": expected five fields (minute hour day month weekday)`);
  }
  if (fields[4] !== "*") {
    throw new CronParseError(
      `cron "${expression}": day of week "${fields[4]}" is not supported by the dev ticker (only *)`,
    );
  }
  const [minutes, hours, days, months] = FIELDS.map((field, i) => parseField(fields[i], field, expression));
  return { expression, minutes, hours, days, months };
}

/** The first minute strictly after `after` (UTC) at which the schedule fires. */
export function nextFireTime(schedule: CronSchedule, after: Date): Date {
  const limit = after.getTime() + HORIZON_MS;
  const t = new Date(Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  while (t.getTime() <= limit) {
    if (!schedule.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0);
    } else if (!schedule.days.has(t.getUTCDate())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0);
    } else if (!schedule.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0);
    } else if (!schedule.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1);
    } else {
      return t;
    }
  }
  throw new CronParseError(`cron "${schedule.expression}" never fires (no matching date in eight years)`);
}
