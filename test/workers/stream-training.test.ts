// Training from shards in R2 (real R2, inside workerd): the streamed run gives trainSvm's model on
// the same rows, whatever the cut into shards; a pass can be split over lists of shards and its
// state carried as JSON between passes, as Workflow steps will; shards are read one at a time.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  advanceNewton,
  generateDemoData,
  linearModelFromStreaming,
  mergeAccumulators,
  MomentsSchema,
  NewtonOutcomeSchema,
  NewtonStateSchema,
  PassAccumulatorSchema,
  planStreaming,
  startNewton,
  StreamingPlanSchema,
  trainSvm,
  type Dataset,
  type NewtonOutcome,
  type NewtonState,
  type TrainOptions,
} from "../../model/index.ts";
import type { RowFrame } from "../../workers/codecs/row-frame.ts";
import { createShardStore, type TrainingShardStore } from "../../workers/adapters/shard-store.ts";
import { runMomentsPass, runPass, shardFromFrame, trainFromShards } from "../../workers/services/stream-training.ts";
import { freshId } from "./contracts/contract.ts";

const store = createShardStore(env.BUCKET);
const banknote = generateDemoData({ rows: 1372, seed: 12 });
const d = banknote.featureNames.length;

/** Rows [start, end) of a dataset as a column-major training frame. */
function frameOf(data: Dataset, start: number, end: number): RowFrame {
  const rows = end - start;
  const width = data.featureNames.length;
  const features = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) features[j * rows + i] = data.x[(start + i) * width + j];
  }
  const labels = data.y.slice(start, end);
  return { rows, offset: start, featureCount: width, features, ids: null, margins: null, labels, modelVersion: null };
}

/** Writes the dataset as train shards cut at `cuts` (row indexes), into a fresh set. */
async function putShards(data: Dataset, cuts: number[]): Promise<{ tenantId: string; setId: string }> {
  const [tenantId, setId] = [freshId("ten"), freshId("set")];
  const bounds = [0, ...cuts, data.y.length];
  for (let k = 0; k + 1 < bounds.length; k++) {
    await store.putShard(tenantId, setId, "train", k, frameOf(data, bounds[k], bounds[k + 1]));
  }
  return { tenantId, setId };
}

const maxDifference = (a: readonly number[], b: readonly number[]) =>
  Math.max(...a.map((value, j) => Math.abs(value - b[j])));

/** The whole run with every value between passes sent through JSON and its schema, as a Workflow checkpoints. */
async function trainThroughJson(tenantId: string, setId: string, options: TrainOptions, shards: number) {
  const all = Array.from({ length: shards }, (_, k) => k);
  const viaJson = <T>(schema: { parse(value: unknown): T }, value: T): T =>
    schema.parse(JSON.parse(JSON.stringify(value)));
  const moments = viaJson(MomentsSchema, await runMomentsPass(store, tenantId, setId, d, all));
  const plan = viaJson(StreamingPlanSchema, planStreaming(moments, options));
  let step: NewtonState | NewtonOutcome = startNewton(plan);
  while (!("done" in step)) {
    const state = viaJson(NewtonStateSchema, step);
    // Each pass in two steps, as a Workflow would slice a long one.
    const head = viaJson(PassAccumulatorSchema, await runPass(store, tenantId, setId, plan, state, all.slice(0, 2)));
    const tail = viaJson(PassAccumulatorSchema, await runPass(store, tenantId, setId, plan, state, all.slice(2)));
    step = advanceNewton(plan, state, mergeAccumulators(head, tail));
  }
  return linearModelFromStreaming(banknote.featureNames, plan, viaJson(NewtonOutcomeSchema, step));
}

describe("trainFromShards", () => {
  it.each<[string, TrainOptions]>([
    ["defaults", {}],
    ["C = 10 and balanced class weights", { C: 10, classWeight: "balanced" }],
    ["C = 0.1 without standardisation", { C: 0.1, standardize: false }],
  ])("gives trainSvm's weights on banknote-like data cut into 5 shards (%s)", async (_, options) => {
    const { tenantId, setId } = await putShards(banknote, [200, 500, 501, 1000]);
    const streamed = await trainFromShards(store, tenantId, setId, banknote.featureNames, options);
    const inMemory = trainSvm(banknote, options);
    expect(maxDifference(streamed.model.weights, inMemory.model.weights)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(streamed.model.bias - inMemory.model.bias)).toBeLessThanOrEqual(1e-6);
    expect(maxDifference(streamed.model.scaler.scale, inMemory.model.scaler.scale)).toBeLessThanOrEqual(1e-9);
    expect(streamed).toMatchObject({ iterations: inMemory.iterations, converged: inMemory.converged, shards: 5 });
    expect(streamed.rows).toBe(1372);
    // The moments pass, two per Newton step, then the derivatives pass that stopped.
    expect(streamed.passes).toBe(2 + 2 * streamed.iterations);
    expect(streamed.passMs).toHaveLength(streamed.passes);
  });

  it("gives the same model when every pass is split in two and its state goes through JSON", async () => {
    const { tenantId, setId } = await putShards(banknote, [100, 400, 800, 1200]);
    const options: TrainOptions = { C: 2, classWeight: "balanced" };
    const direct = await trainFromShards(store, tenantId, setId, banknote.featureNames, options);
    const resumed = await trainThroughJson(tenantId, setId, options, 5);
    expect(maxDifference(resumed.weights, direct.model.weights)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(resumed.bias - direct.model.bias)).toBeLessThanOrEqual(1e-12);
  });

  it("reads the train shards one at a time, once per pass, and never the holdout", async () => {
    const { tenantId, setId } = await putShards(banknote, [300, 600, 900, 1200]);
    await store.putShard(tenantId, setId, "holdout", 0, frameOf(banknote, 0, 10));
    let inFlight = 0;
    let mostInFlight = 0;
    const reads: string[] = [];
    const watched: TrainingShardStore = {
      ...store,
      async getShard(t, s, part, index) {
        reads.push(`${part}-${index}`);
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        try {
          return await store.getShard(t, s, part, index);
        } finally {
          inFlight--;
        }
      },
    };
    const folded: string[] = [];
    const result = await trainFromShards(
      watched,
      tenantId,
      setId,
      banknote.featureNames,
      {},
      {
        onShard: ({ pass, index }) => folded.push(`${pass}:${index}`),
      },
    );
    expect(mostInFlight).toBe(1);
    expect(reads).toHaveLength(5 * result.passes);
    expect(reads.filter((r) => r.startsWith("holdout"))).toEqual([]);
    expect(folded.slice(0, 6)).toEqual(["0:0", "0:1", "0:2", "0:3", "0:4", "1:0"]);
  });

  it("refuses a pass that missed a shard rather than take a wrong step", async () => {
    const { tenantId, setId } = await putShards(banknote, [300, 600, 900, 1200]);
    const plan = planStreaming(await runMomentsPass(store, tenantId, setId, d, [0, 1, 2, 3, 4]));
    const state = startNewton(plan);
    const partial = await runPass(store, tenantId, setId, plan, state, [0, 1, 3, 4]);
    expect(() => advanceNewton(plan, state, partial)).toThrow(/rows/);
  });

  it.each<[string, (ids: { tenantId: string; setId: string }) => Promise<unknown>, RegExp]>([
    [
      "a set with no train shards",
      ({ tenantId }) => trainFromShards(store, tenantId, freshId("set"), ["a"]),
      /no train shards/,
    ],
    [
      "shards of another width than the feature names",
      ({ tenantId, setId }) => trainFromShards(store, tenantId, setId, ["a", "b"]),
      /4 features for a 2-feature/,
    ],
    [
      "hinge loss, which needs the rows in memory",
      ({ tenantId, setId }) => trainFromShards(store, tenantId, setId, banknote.featureNames, { loss: "hinge" }),
      /squared hinge/,
    ],
  ])("refuses %s", async (_, train, message) => {
    const ids = await putShards(banknote, [686]);
    await expect(train(ids)).rejects.toThrow(message);
  });
});

describe("shardFromFrame", () => {
  it("turns a column-major frame into row-major rows with their labels", () => {
    const shard = shardFromFrame(frameOf(banknote, 5, 8), d);
    expect(shard.rows).toBe(3);
    expect(Array.from(shard.x)).toEqual(Array.from(banknote.x.subarray(5 * d, 8 * d)));
    expect(Array.from(shard.y)).toEqual(Array.from(banknote.y.subarray(5, 8)));
  });
});
