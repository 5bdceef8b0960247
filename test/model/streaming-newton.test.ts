import { describe, expect, it } from "vitest";
import {
  accumulateShard,
  addRowsToMoments,
  advanceNewton,
  classWeightsFromMoments,
  emptyAccumulator,
  emptyMoments,
  fitScaler,
  generateClassification,
  linearModelFromStreaming,
  mergeAccumulators,
  mergeMoments,
  NewtonOutcomeSchema,
  NewtonStateSchema,
  PassAccumulatorSchema,
  planStreaming,
  scalerFromMoments,
  startNewton,
  StreamingPlanSchema,
  trainStreaming,
  trainSvm,
} from "../../model/index.ts";
import type {
  Dataset,
  Moments,
  NewtonOutcome,
  NewtonState,
  Shard,
  StreamingPlan,
  TrainOptions,
} from "../../model/index.ts";
import { resolveClassWeights } from "../../model/svm-problem.ts";
import { loadBanknote, makeDataset } from "./fixtures.ts";

const banknote = loadBanknote();
const synthetic = generateClassification({
  rows: 20_000,
  features: 20,
  informative: 6,
  redundant: 4,
  flip: 0.05,
  classSep: 1,
  seed: 12,
});

/** Consecutive shards of the given sizes, as views into the dataset (no copies). */
function cutShards(data: Dataset, sizes: readonly number[]): Shard[] {
  const d = data.featureNames.length;
  let start = 0;
  return sizes.map((rows) => {
    const shard = { x: data.x.subarray(start * d, (start + rows) * d), y: data.y.subarray(start, start + rows), rows };
    start += rows;
    return shard;
  });
}

/** Seven shards of uneven sizes (one empty) covering all n rows. */
function unevenSizes(n: number): number[] {
  const shares = [0.31, 0.02, 0.17, 0, 0.23, 0.09];
  const sizes = shares.map((share) => Math.floor(share * n));
  return [...sizes, n - sizes.reduce((a, b) => a + b, 0)];
}

const oneRowEach = (n: number): number[] => new Array<number>(n).fill(1);

function foldMoments(d: number, shards: readonly Shard[]): Moments {
  return shards.reduce((m, s) => addRowsToMoments(m, s.x, s.y, s.rows), emptyMoments(d));
}

function trainInShards(data: Dataset, shards: readonly Shard[], options: TrainOptions) {
  const plan = planStreaming(foldMoments(data.featureNames.length, shards), options);
  const outcome = trainStreaming(plan, shards);
  return { plan, outcome, model: linearModelFromStreaming(data.featureNames, plan, outcome) };
}

const maxAbsDifference = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((worst, value, j) => Math.max(worst, Math.abs(value - b[j])), 0);

const datasets = [
  ["banknote", banknote],
  ["20-feature synthetic (20,000 rows)", synthetic],
] as const;
const settings = [0.1, 1, 10].flatMap((C) =>
  [null, "balanced" as const].map((classWeight) => ({ C, classWeight }) satisfies TrainOptions),
);

describe.each(datasets)("streamed Newton on %s", (_, data) => {
  it.each(settings)("equals trainSvm with C = $C and class weight $classWeight", (options) => {
    const expected = trainSvm(data, { ...options, standardize: true });
    const { model, outcome } = trainInShards(data, cutShards(data, unevenSizes(data.y.length)), options);
    expect(
      maxAbsDifference([...model.weights, model.bias], [...expected.model.weights, expected.model.bias]),
    ).toBeLessThanOrEqual(1e-6);
    expect(outcome.iterations).toBe(expected.iterations);
    expect(outcome.converged).toBe(expected.converged);
    expect(outcome.objective).toBeCloseTo(expected.objective, 6);
    expect(model.featureNames).toEqual(expected.model.featureNames);
    expect(maxAbsDifference(model.scaler.mean, expected.model.scaler.mean)).toBeLessThanOrEqual(1e-12);
    expect(maxAbsDifference(model.scaler.scale, expected.model.scaler.scale)).toBeLessThanOrEqual(1e-12);
  });

  it("gives the same weights however the rows are cut into shards", () => {
    const n = data.y.length;
    const whole = trainInShards(data, cutShards(data, [n]), {});
    const uneven = trainInShards(data, cutShards(data, unevenSizes(n)), {});
    expect(uneven.outcome.iterations).toBe(whole.outcome.iterations);
    expect(maxAbsDifference(uneven.outcome.w, whole.outcome.w)).toBeLessThanOrEqual(1e-9);
  });

  it("merges moments in any order to fitScaler's scaler and the class counts", () => {
    const d = data.featureNames.length;
    const parts = cutShards(data, unevenSizes(data.y.length)).map((s) =>
      addRowsToMoments(emptyMoments(d), s.x, s.y, s.rows),
    );
    const forward = parts.reduce(mergeMoments, emptyMoments(d));
    const backward = parts.reduceRight(mergeMoments, emptyMoments(d));
    const pairwise = mergeMoments(parts.slice(0, 3).reduce(mergeMoments), parts.slice(3).reduce(mergeMoments));
    const expected = fitScaler(data.x, d);
    for (const moments of [forward, backward, pairwise]) {
      const scaler = scalerFromMoments(moments);
      expect(maxAbsDifference(scaler.mean, expected.mean)).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDifference(scaler.scale, expected.scale)).toBeLessThanOrEqual(1e-12);
      expect(moments.count).toBe(data.y.length);
      expect(classWeightsFromMoments("balanced", moments)).toEqual(resolveClassWeights("balanced", data.y));
    }
  });
});

describe("streamed Newton, shard by shard", () => {
  const small = generateClassification({
    rows: 400,
    features: 6,
    informative: 3,
    redundant: 1,
    flip: 0.1,
    classSep: 1,
    seed: 4,
  });

  it("gives the same weights with one row per shard", () => {
    for (const options of [{}, { C: 10, classWeight: "balanced" as const }]) {
      const whole = trainInShards(small, cutShards(small, [400]), options);
      const single = trainInShards(small, cutShards(small, oneRowEach(400)), options);
      expect(single.outcome.iterations).toBe(whole.outcome.iterations);
      expect(maxAbsDifference(single.outcome.w, whole.outcome.w)).toBeLessThanOrEqual(1e-9);
    }
  });

  it("matches fitScaler to 1e-12 from one-row moments merged in any order", () => {
    const parts = cutShards(banknote, oneRowEach(banknote.y.length)).map((s) =>
      addRowsToMoments(emptyMoments(4), s.x, s.y, s.rows),
    );
    const expected = fitScaler(banknote.x, 4);
    const orders = [
      parts,
      [...parts].reverse(),
      parts.filter((_, i) => i % 2 === 0).concat(parts.filter((_, i) => i % 2)),
    ];
    for (const order of orders) {
      const scaler = scalerFromMoments(order.reduce(mergeMoments, emptyMoments(4)));
      expect(maxAbsDifference(scaler.mean, expected.mean)).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDifference(scaler.scale, expected.scale)).toBeLessThanOrEqual(1e-12);
    }
  });

  it("ends with the same result when every value crosses JSON between steps", () => {
    const shards = cutShards(synthetic, unevenSizes(synthetic.y.length));
    const plan = planStreaming(foldMoments(20, shards), { C: 1, classWeight: "balanced" });
    const expected = trainStreaming(plan, shards);
    const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

    let step: NewtonState | NewtonOutcome = roundTrip(startNewton(roundTrip(plan)));
    let passes = 0;
    while (!("done" in step)) {
      const state = NewtonStateSchema.parse(roundTrip(step));
      let merged = roundTrip(emptyAccumulator(plan, state));
      for (const shard of shards) {
        const partial = roundTrip(accumulateShard(roundTrip(plan), state, shard));
        merged = PassAccumulatorSchema.parse(roundTrip(mergeAccumulators(merged, partial)));
      }
      step = roundTrip(advanceNewton(StreamingPlanSchema.parse(roundTrip(plan)), state, merged));
      passes++;
    }
    expect(NewtonOutcomeSchema.parse(step)).toEqual(expected);
    expect(passes).toBe(2 * expected.iterations + 1);
  });

  it("takes solveNewton's shorter steps where a full Newton step fails Armijo's test", () => {
    // Separable rows and a large C: the active set swings between steps, so backtracking happens.
    const separable = generateClassification({
      rows: 2000,
      features: 20,
      informative: 6,
      redundant: 4,
      flip: 0,
      classSep: 3,
      seed: 12,
    });
    const shards = cutShards(separable, unevenSizes(2000));
    const plan = planStreaming(foldMoments(20, shards), { C: 1000 });
    const stepLengths: number[] = [];
    let step: NewtonState | NewtonOutcome = startNewton(plan);
    while (!("done" in step)) {
      const state: NewtonState = step;
      const merged = shards.map((s) => accumulateShard(plan, state, s)).reduce(mergeAccumulators);
      step = advanceNewton(plan, state, merged);
      if (state.phase === "line-search" && !("done" in step)) {
        const j = state.direction.findIndex((value) => value !== 0);
        stepLengths.push((step.w[j] - state.w[j]) / state.direction[j]);
      }
    }
    const expected = trainSvm(separable, { C: 1000 });
    const model = linearModelFromStreaming(separable.featureNames, plan, step);
    expect(stepLengths.some((t) => t < 1)).toBe(true);
    expect(step.iterations).toBe(expected.iterations);
    expect(
      maxAbsDifference([...model.weights, model.bias], [...expected.model.weights, expected.model.bias]),
    ).toBeLessThanOrEqual(1e-6);
  });

  it("stops at the iteration cap as trainSvm does", () => {
    const expected = trainSvm(small, { maxIter: 2, tol: 1e-12 });
    const { outcome, model } = trainInShards(small, cutShards(small, [150, 250]), { maxIter: 2, tol: 1e-12 });
    expect(outcome).toMatchObject({ iterations: 2, converged: false });
    expect(expected).toMatchObject({ iterations: 2, converged: false });
    expect(maxAbsDifference(model.weights, expected.model.weights)).toBeLessThanOrEqual(1e-9);
  });

  it("finds w = 40/41 for squared hinge with C = 10 on two points at −1 and +1", () => {
    const symmetric = makeDataset([[-1], [1]], [0, 1]);
    const { model } = trainInShards(symmetric, cutShards(symmetric, [1, 1]), {
      C: 10,
      standardize: false,
      tol: 1e-10,
    });
    expect(model.weights[0]).toBeCloseTo(40 / 41, 12);
    expect(model.bias).toBeCloseTo(0, 12);
    expect(Object.isFrozen(model.weights)).toBe(true);
  });
});

describe("streamed Newton refuses", () => {
  const tiny = makeDataset([[0], [1], [2]], [0, 1, 1]);
  const shards = cutShards(tiny, [3]);
  const plan: StreamingPlan = planStreaming(foldMoments(1, shards));

  it.each([
    [
      "a single class",
      () => planStreaming(foldMoments(1, cutShards(makeDataset([[1], [2]], [1, 1]), [2]))),
      /both classes/,
    ],
    ["hinge loss", () => planStreaming(foldMoments(1, shards), { loss: "hinge" }), /squared hinge/],
    [
      "a label other than 0 or 1",
      () => addRowsToMoments(emptyMoments(1), Float64Array.of(1), Uint8Array.of(2), 1),
      /label 2/,
    ],
    [
      "a non-finite feature",
      () => addRowsToMoments(emptyMoments(1), Float64Array.of(NaN), Uint8Array.of(0), 1),
      /not finite/,
    ],
    [
      "a shard of the wrong width",
      () => addRowsToMoments(emptyMoments(2), Float64Array.of(1, 2, 3), Uint8Array.of(0), 1),
      /holds 3 values/,
    ],
    ["moments of different widths", () => mergeMoments(emptyMoments(1), emptyMoments(2)), /1 and 2 features/],
    [
      "partial sums that miss a row",
      () => advanceNewton(plan, startNewton(plan), accumulateShard(plan, startNewton(plan), cutShards(tiny, [2])[0])),
      /2 rows, expected 3/,
    ],
    [
      "partial sums of another phase",
      () => {
        const state = startNewton(plan);
        const lineSearch = { ...state, phase: "line-search" as const, gradientNorm0: 1, direction: [1, 0], slope: -1 };
        return advanceNewton(plan, lineSearch, accumulateShard(plan, state, shards[0]));
      },
      /derivatives pass/,
    ],
    [
      "a single-use iterable, which cannot be passed over twice",
      () =>
        trainStreaming(
          plan,
          (function* () {
            yield* shards;
          })(),
        ),
      /0 rows, expected 3/,
    ],
  ] as const)("%s", (_, run, message) => {
    expect(run).toThrow(message);
  });
});
