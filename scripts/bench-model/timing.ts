// Timing helpers for `npm run bench:model`. Every comparison is A/B in the same run: both sides
// are warmed up, then run in alternating rounds so that whatever the machine is doing (another
// process, thermal state, GC pressure) falls on both sides alike rather than on whichever ran
// second. The order inside a round alternates too, so neither side always runs first.

/** One side of a comparison. `round` runs it once and returns the seconds it measured. */
export type Side = {
  readonly name: string;
  readonly warmUp: () => void;
  readonly round: () => number[];
};

/** Seconds measured per side, index k holding what round k measured. */
export type Interleaved = { readonly a: number[][]; readonly b: number[][] };

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of nothing");
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Warms both sides up, then runs `rounds` rounds, a before b in even rounds and b before a in odd ones. */
export function interleave(a: Side, b: Side, rounds: number): Interleaved {
  a.warmUp();
  b.warmUp();
  const measured: Interleaved = { a: [], b: [] };
  for (let k = 0; k < rounds; k++) {
    if (k % 2 === 0) {
      measured.a.push(a.round());
      measured.b.push(b.round());
    } else {
      measured.b.push(b.round());
      measured.a.push(a.round());
    }
  }
  return measured;
}

/** Seconds one call of `run` takes. */
export function secondsOf(run: () => void): number {
  const started = performance.now();
  run();
  return (performance.now() - started) / 1000;
}

/** A side that times `call` on its own, `perRound` times a round, after `warmUps` untimed calls. */
export function inProcessSide(name: string, call: () => void, warmUps: number, perRound: number): Side {
  return {
    name,
    warmUp: () => {
      for (let k = 0; k < warmUps; k++) call();
    },
    round: () => Array.from({ length: perRound }, () => secondsOf(call)),
  };
}

/** Median seconds per side over every sample of every round. */
export function medians(measured: Interleaved): { a: number; b: number } {
  return { a: median(measured.a.flat()), b: median(measured.b.flat()) };
}

/**
 * The median of the per-round ratios a ÷ b, each side's samples in a round reduced to their median
 * first (one slow fit, a GC pause, must not swing a round). A ratio within a round cancels what the
 * machine was doing during that round, which a ratio of two overall medians does not.
 */
export function medianRoundRatio(measured: Interleaved): number {
  return median(measured.a.map((samples, k) => median(samples) / median(measured.b[k])));
}

export const ms = (seconds: number): string => `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1)} ms`;
/** Two decimals, or two significant digits below 0.1 so a small ratio keeps its size. */
export const ratioText = (value: number): string => (value >= 0.1 ? value.toFixed(2) : value.toPrecision(2));
export const times = (value: number): string => `${ratioText(value)}×`;
export const percent = (accuracy: number): string => `${(accuracy * 100).toFixed(2)} %`;
