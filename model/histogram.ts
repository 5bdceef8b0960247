// Quantiles of a histogram kept as counts over fixed bucket bounds (batch latency, margins):
// what the rollups store instead of values, so a percentile costs O(buckets), never O(rows).

/**
 * The upper bound of the bucket holding quantile q by the nearest-rank method: the ⌈q·n⌉-th
 * smallest of n counted values (the first for q = 0), so the median of two values is the smaller
 * and the 95th percentile of twenty the 19th. The bucket past the last bound reports the last
 * bound. Null for an empty histogram. (Hyndman & Fan 1996, definition 1: the inverse of the
 * empirical distribution function.)
 */
export function bucketQuantile(counts: readonly number[], bounds: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  // The tolerance keeps a product that floats just past a whole number (0.07 × 100 is
  // 7.000000000000001) on that number's rank rather than the next.
  const rank = Math.min(total, Math.max(1, Math.ceil(q * total - 1e-9))); // 1-based
  let seen = 0;
  for (let k = 0; k < counts.length; k++) {
    seen += counts[k];
    if (seen >= rank) return bounds[Math.min(k, bounds.length - 1)];
  }
  return null;
}
