// Axes that fit the data: a domain rounded out to "nice" steps (1, 2 or 5 × 10^k) around the
// values shown, instead of a fixed 0–100 % on which 98 % and 99.7 % look the same. Charts place
// marks at percentages of their width (SVG lengths), so one scale serves every screen size.
// Relative imports only, so Node tests can load this file.

export type Domain = readonly [number, number];

export interface FitOptions {
  /** Keep 0 inside the domain (bars must start at 0). */
  zero?: boolean;
  /** Never below / above these (e.g. 0 and 1 for a proportion). */
  floor?: number;
  ceiling?: number;
}

/** The step of about `count` nice ticks across `span`. */
export function niceStep(span: number, count = 4): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** A nice domain holding every finite value; [0, 1] when there is none. */
export function fitDomain(values: readonly (number | null | undefined)[], options: FitOptions = {}): Domain {
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (finite.length === 0) return [options.floor ?? 0, options.ceiling ?? 1];
  let lo = Math.min(...finite, ...(options.zero ? [0] : []));
  let hi = Math.max(...finite, ...(options.zero ? [0] : []));
  if (lo === hi) {
    // One value (or all equal): a span around it, so the mark sits inside the axis.
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo = options.zero && lo >= 0 ? 0 : lo - pad;
    hi = hi + pad;
  }
  const step = niceStep(hi - lo);
  lo = Math.floor(lo / step + 1e-9) * step;
  hi = Math.ceil(hi / step - 1e-9) * step;
  if (options.floor !== undefined) lo = Math.max(lo, options.floor);
  if (options.ceiling !== undefined) hi = Math.min(hi, options.ceiling);
  return [round(lo), round(hi)];
}

/** Ticks at nice steps from the domain's start to its end, both included. */
export function ticksOf([lo, hi]: Domain, count = 4): number[] {
  const step = niceStep(hi - lo, count);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(round(t));
  return ticks;
}

/** Where `value` falls across the domain, in percent of the width or height (clamped to 0–100). */
export function percentOf(value: number, [lo, hi]: Domain): number {
  if (hi === lo) return 50;
  return Math.min(100, Math.max(0, ((value - lo) / (hi - lo)) * 100));
}

// Binary floating point makes 0.1 + 0.2 = 0.30000000000000004: ticks are rounded for labels.
const round = (value: number) => Number(value.toPrecision(12));
