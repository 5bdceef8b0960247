// How numbers and times read on every page: one place, so a table and a chart never disagree.
const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });
const integer = new Intl.NumberFormat("en-GB");

export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? "–" : `${(100 * value).toFixed(digits)}%`;
}

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : integer.format(value);
}

export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return "–";
  // A minus sign, not a hyphen, so signed columns line up and read as numbers.
  return value.toFixed(digits).replace(/^-/, "−");
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : "–";
}

export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

/** "3 minutes ago": for recent events, where a relative time reads faster than a date. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "–";
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return formatDateTime(iso);
}

/** "1 labelled row", "2 labelled rows": a count with its noun, singular or plural. */
export function formatCount(value: number, singular: string, plural = `${singular}s`): string {
  return `${integer.format(value)} ${value === 1 ? singular : plural}`;
}
