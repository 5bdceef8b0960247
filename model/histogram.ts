// Quantiles of a histogram kept as counts over fixed bucket bounds (batch latency, margins):
// what the rollups store instead of values, so a percentile costs O(buckets), never O(rows).

/**
 * The upper bound of the bucket holding quantile q (the nearest-rank method: the ⌊q·n⌋-th
 * smallest of n counted values); the bucket past the last bound reports the last bound. Null for
 * an empty histogram.
 */
export function bucketQuantile(counts: readonly number[], bounds: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.min(total - 1, Math.floor(q * total));
  let seen = 0;
  for (let k = 0; k < counts.length; k++) {
    seen += counts[k];
    if (seen > rank) return bounds[Math.min(k, bounds.length - 1)];
  }
  return null;
}
