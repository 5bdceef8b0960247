// A confidence interval for a proportion (an accuracy: correct of labelled rows). Wilson's score
// interval stays inside [0, 1] and is honest for small samples, where the normal approximation
// p ± z·√(p(1−p)/n) collapses to a point at 0 or 1 (E. B. Wilson, "Probable inference, the law
// of succession, and statistical inference", JASA 22, 1927; Agresti & Coull, Am. Stat. 1998).

export interface Interval {
  low: number;
  high: number;
}

/** Wilson's interval for `successes` of `n` (z = 1.96: 95%); null when there are no rows. */
export function wilsonInterval(successes: number, n: number, z = 1.96): Interval | null {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || successes > n) {
    throw new RangeError(`${successes} of ${n} is not a proportion of whole rows`);
  }
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}
