// The training-shard contract: shards read back exactly as they were put, under the documented
// layout of one prefix per tenant and set; an unlabelled or malformed shard is refused before
// anything is stored; counts stop at the first gap; deleting a set removes its shards and no
// other's; every reader gets a frame of its own.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { RowFrameError, type RowFrame } from "../../../workers/codecs/row-frame.ts";
import { createShardStore, type TrainingShardStore } from "../../../workers/adapters/shard-store.ts";
import { createMemoryShardStore } from "../../../workers/adapters/memory/shard-store.ts";
import { describeContract, freshId } from "./contract.ts";

interface Fixture {
  shards: TrainingShardStore;
  /** Keys of the objects stored under a prefix, in listing order. */
  keys(prefix: string): Promise<string[]>;
}

// Three rows of two features, column-major, with their true labels.
const shard = (first = 0.5): RowFrame => ({
  rows: 3,
  offset: 0,
  featureCount: 2,
  features: Float64Array.from([first, -1, 2.25, 1e-300, Number.MAX_VALUE, -0]),
  ids: null,
  margins: null,
  labels: Uint8Array.from([1, 0, 1]),
  modelVersion: null,
});

describeContract<Fixture>(
  "TrainingShardStore",
  "r2",
  () => ({
    shards: createShardStore(env.BUCKET),
    keys: async (prefix) => (await env.BUCKET.list({ prefix })).objects.map((o) => o.key),
  }),
  () => {
    const shards = createMemoryShardStore();
    return { shards, keys: async (prefix) => shards.keys(prefix) };
  },
  (make) => {
    it("reads a shard back as it was put, and only under its tenant, set and part", async () => {
      const { shards } = await make();
      const [tenantId, setId] = [freshId("ten"), freshId("set")];
      await shards.putShard(tenantId, setId, "train", 0, shard());
      expect(await shards.getShard(tenantId, setId, "train", 0)).toEqual(shard());
      expect(await shards.getShard(tenantId, setId, "holdout", 0)).toBeNull();
      expect(await shards.getShard(tenantId, setId, "train", 1)).toBeNull();
      expect(await shards.getShard(freshId("ten"), setId, "train", 0)).toBeNull();
      expect(await shards.getShard(tenantId, freshId("set"), "train", 0)).toBeNull();
    });

    it("keeps a set under one prefix, one object per part and index", async () => {
      const { shards, keys } = await make();
      const [tenantId, setId] = [freshId("ten"), freshId("set")];
      await shards.putShard(tenantId, setId, "train", 1, shard());
      await shards.putShard(tenantId, setId, "holdout", 0, shard());
      await shards.putShard(tenantId, setId, "train", 0, shard());
      const prefix = `training/${tenantId}/${setId}/`;
      expect(await keys(prefix)).toEqual([`${prefix}holdout-0.rows`, `${prefix}train-0.rows`, `${prefix}train-1.rows`]);
    });

    it("counts each part's shards up to the first gap in their numbering", async () => {
      const { shards } = await make();
      const [tenantId, setId] = [freshId("ten"), freshId("set")];
      expect(await shards.listShards(tenantId, setId)).toEqual({ train: 0, holdout: 0 });
      for (const index of [0, 1, 2, 10]) await shards.putShard(tenantId, setId, "train", index, shard());
      await shards.putShard(tenantId, setId, "holdout", 1, shard());
      expect(await shards.listShards(tenantId, setId)).toEqual({ train: 3, holdout: 0 });
      await shards.putShard(tenantId, setId, "holdout", 0, shard());
      expect(await shards.listShards(tenantId, setId)).toEqual({ train: 3, holdout: 2 });
      // A set whose id starts with this one's is another set.
      await shards.putShard(tenantId, `${setId}0`, "train", 3, shard());
      expect(await shards.listShards(tenantId, setId)).toEqual({ train: 3, holdout: 2 });
    });

    it("keeps a JSON info per set, replaced when put again and removed with the set", async () => {
      const { shards, keys } = await make();
      const [tenantId, setId] = [freshId("ten"), freshId("set")];
      expect(await shards.getSetInfo(tenantId, setId)).toBeNull();
      await shards.putSetInfo(tenantId, setId, { rows: 3, names: ["a", "b"] });
      await shards.putSetInfo(tenantId, setId, { rows: 4, names: ["a", "b"] });
      expect(await shards.getSetInfo(tenantId, setId)).toEqual({ rows: 4, names: ["a", "b"] });
      expect(await shards.getSetInfo(tenantId, freshId("set"))).toBeNull();
      // The info is not a shard: it is not counted.
      expect(await shards.listShards(tenantId, setId)).toEqual({ train: 0, holdout: 0 });
      await shards.putShard(tenantId, setId, "train", 0, shard());
      await shards.deleteSet(tenantId, setId);
      expect(await shards.getSetInfo(tenantId, setId)).toBeNull();
      expect(await keys(`training/${tenantId}/${setId}/`)).toEqual([]);
    });

    it("rewrites a shard put again under the same index", async () => {
      const { shards } = await make();
      const [tenantId, setId] = [freshId("ten"), freshId("set")];
      await shards.putShard(tenantId, setId, "train", 0, shard());
      await shards.putShard(tenantId, setId, "train", 0, shard(7));
      expect(await shards.getShard(tenantId, setId, "train", 0)).toEqual(shard(7));
    });

    it.each<[string, Partial<RowFrame>]>([
      ["no labels", { labels: null }],
      ["labels that are not 0 or 1", { labels: Uint8Array.from([0, 2, 1]) }],
      ["features that disagree with rows × featureCount", { features: new Float64Array(5) }],
    ])("refuses a shard with %s, storing nothing", async (_, broken) => {
      const { shards, keys } = await make();
      const [tenantId, setId] = [freshId("ten"), freshId("set")];
      await expect(shards.putShard(tenantId, setId, "train", 0, { ...shard(), ...broken })).rejects.toThrow(
        RowFrameError,
      );
      expect(await keys(`training/${tenantId}/`)).toEqual([]);
    });

    it("refuses an index that is not a whole number, storing nothing", async () => {
      const { shards, keys } = await make();
      const [tenantId, setId] = [freshId("ten"), freshId("set")];
      for (const index of [-1, 1.5]) {
        await expect(shards.putShard(tenantId, setId, "train", index, shard())).rejects.toThrow(RangeError);
      }
      expect(await keys(`training/${tenantId}/`)).toEqual([]);
    });

    it("deletes every shard of a set and nothing of another set or tenant", async () => {
      const { shards, keys } = await make();
      const [tenantId, other, setId] = [freshId("ten"), freshId("ten"), freshId("set")];
      for (const [t, s] of [
        [tenantId, setId],
        [tenantId, `${setId}0`],
        [other, setId],
      ]) {
        await shards.putShard(t, s, "train", 0, shard());
        await shards.putShard(t, s, "holdout", 0, shard());
      }
      await shards.deleteSet(tenantId, setId);
      expect(await keys(`training/${tenantId}/${setId}/`)).toEqual([]);
      expect(await shards.listShards(tenantId, setId)).toEqual({ train: 0, holdout: 0 });
      expect(await shards.getShard(tenantId, `${setId}0`, "train", 0)).toEqual(shard());
      expect(await shards.getShard(other, setId, "holdout", 0)).toEqual(shard());
      await shards.deleteSet(tenantId, setId);
    });

    it("gives each reader a frame of its own", async () => {
      const { shards } = await make();
      const [tenantId, setId] = [freshId("ten"), freshId("set")];
      const put = shard();
      await shards.putShard(tenantId, setId, "train", 0, put);
      put.features[0] = 99;
      const read = await shards.getShard(tenantId, setId, "train", 0);
      if (!read) throw new Error("the shard was not stored");
      read.features[1] = 42;
      read.labels?.fill(0);
      expect(await shards.getShard(tenantId, setId, "train", 0)).toEqual(shard());
    });
  },
);
