// Streamed Newton from any cut of the rows into shards, taken in any order: the weights and the
// step count are those of one shard, and the merged moments are fitScaler's. Sums are folded in
// another order for each cut, so they agree to rounding, not bit for bit.
import { fc, it } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  addRowsToMoments,
  emptyMoments,
  fitScaler,
  generateClassification,
  mergeMoments,
  planStreaming,
  trainStreaming,
} from "../../model/index.ts";
import type { Shard, TrainOptions } from "../../model/index.ts";
import { RUNS } from "./arbitraries.ts";

const D = 4;
const N = 120;
const data = generateClassification({
  rows: N,
  features: D,
  informative: 2,
  redundant: 1,
  flip: 0.15,
  classSep: 1,
  seed: 9,
});

function shardsAt(cuts: readonly number[]): Shard[] {
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), N];
  return bounds.slice(1).map((end, k) => {
    const start = bounds[k];
    return { x: data.x.subarray(start * D, end * D), y: data.y.subarray(start, end), rows: end - start };
  });
}

const momentsOf = (shards: readonly Shard[]) =>
  shards.reduce((m, s) => mergeMoments(m, addRowsToMoments(emptyMoments(D), s.x, s.y, s.rows)), emptyMoments(D));

/** Cut points (repeats make empty shards) and a permutation of the shards they give. */
const cutShards = fc.array(fc.integer({ min: 0, max: N }), { maxLength: 30 }).chain((cuts) => {
  const shards = shardsAt(cuts);
  return fc.shuffledSubarray(shards, { minLength: shards.length, maxLength: shards.length });
});

const options: fc.Arbitrary<TrainOptions> = fc.record({
  C: fc.constantFrom(0.1, 1, 10),
  classWeight: fc.constantFrom(null, "balanced" as const, { "0": 1, "1": 3 }),
});

const whole = [{ x: data.x, y: data.y, rows: N }];

describe("streamed Newton over any shard cut", () => {
  it.prop([cutShards, options], RUNS)("takes the same steps to the same weights as one shard", (shards, settings) => {
    const expected = trainStreaming(planStreaming(momentsOf(whole), settings), whole);
    const outcome = trainStreaming(planStreaming(momentsOf(shards), settings), shards);
    expect(outcome.iterations).toBe(expected.iterations);
    outcome.w.forEach((w, j) => expect(Math.abs(w - expected.w[j])).toBeLessThanOrEqual(1e-9));
  });

  it.prop([cutShards], RUNS)("merges moments to fitScaler's mean and scale", (shards) => {
    const moments = momentsOf(shards);
    const { mean, scale } = planStreaming(moments).scaler;
    const expected = fitScaler(data.x, D);
    expect(moments.count).toBe(N);
    mean.forEach((m, j) => expect(Math.abs(m - expected.mean[j])).toBeLessThanOrEqual(1e-12));
    scale.forEach((s, j) => expect(Math.abs(s - expected.scale[j])).toBeLessThanOrEqual(1e-12));
  });
});
