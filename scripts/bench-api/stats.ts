// Order statistics and the number formats bench:api prints.

/** The q-quantile (0…1) by the nearest-rank rule; NaN for no values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const median = (values: readonly number[]): number => percentile(values, 0.5);

export const ms = (value: number, width = 7): string => `${value.toFixed(1).padStart(width)} ms`;

export const ratio = (value: number): string => `${value.toFixed(2)}x`;
