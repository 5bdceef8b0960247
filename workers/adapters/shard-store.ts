// Training sets live in R2 as shards: bounded row frames (codecs/row-frame.ts) that a retrain
// reads one at a time, so its memory is one shard plus O(d²) sums however large the set grows.
// One prefix per tenant and set, so deleting a set (or a tenant) is one listing:
//   training/<tenant>/<set>/train-<k>.rows     the rows a model is fitted on
//   training/<tenant>/<set>/holdout-<k>.rows   the rows it is judged on, never trained on
//   training/<tenant>/<set>/holdout-base-<k>.rows   holdout rows whose label is the base dataset's
//   training/<tenant>/<set>/sample-<k>.rows    a bounded sample of the train rows (feature stats)
//   training/<tenant>/<set>/spill-<p>-<k>.rows compaction's rows of hash partition p, in order
//   training/<tenant>/base/base-<k>.rows       the tenant's base dataset, as shards
//   training/<tenant>/<set>/info.json          what the set's writer recorded about it (JSON)
// A shard's labels column holds the true 0/1 labels (not a model's predictions) and its
// features are column-major, as in every row frame.
import { decodeRowFrame, encodeRowFrame, RowFrameError, type RowFrame } from "../codecs/row-frame.ts";

export type ShardPart = "train" | "holdout" | "holdout-base" | "sample" | "base" | `spill-${number}`;

/** How many shards each part of a set holds; shards are numbered 0…count−1. */
export interface ShardCounts {
  train: number;
  holdout: number;
}

export interface TrainingShardStore {
  /** Writes (or rewrites) shard `index` of a part; refuses a frame without labels. */
  putShard(tenantId: string, setId: string, part: ShardPart, index: number, frame: RowFrame): Promise<void>;
  getShard(tenantId: string, setId: string, part: ShardPart, index: number): Promise<RowFrame | null>;
  /** The shard counts of each part; a set with a gap in its numbering counts up to the gap. */
  listShards(tenantId: string, setId: string): Promise<ShardCounts>;
  /** Records a JSON value about the set (its shape, where it came from); replaces the last. */
  putSetInfo(tenantId: string, setId: string, info: unknown): Promise<void>;
  getSetInfo(tenantId: string, setId: string): Promise<unknown>;
  /** Removes every shard of the set, and its info. */
  deleteSet(tenantId: string, setId: string): Promise<void>;
}

export const shardPrefix = (tenantId: string, setId: string) => `training/${tenantId}/${setId}/`;
export const setInfoKey = (tenantId: string, setId: string) => `${shardPrefix(tenantId, setId)}info.json`;
export const shardKey = (tenantId: string, setId: string, part: ShardPart, index: number) =>
  `${shardPrefix(tenantId, setId)}${part}-${index}.rows`;

/** The bytes of a training shard: a row frame that must carry its labels and a whole-number index. */
export function encodeShard(index: number, frame: RowFrame): Uint8Array {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`a shard index must be a whole number, got ${index}`);
  // A shard without labels cannot train anything; refusing it here keeps it out of R2.
  if (frame.labels === null) throw new RowFrameError("a training shard needs its labels");
  return encodeRowFrame(frame);
}

/** Shard counts from a set's keys: the shards numbered 0, 1, … without a gap, per part. */
export function countShards(prefix: string, keys: readonly string[]): ShardCounts {
  const seen = { train: new Set<number>(), holdout: new Set<number>() };
  for (const key of keys) {
    const match = /^(train|holdout)-(\d+)\.rows$/.exec(key.slice(prefix.length));
    if (match) seen[match[1] as keyof ShardCounts].add(Number(match[2]));
  }
  // Counting up to the first gap means a pass never reads past a shard that is not there yet.
  const upToGap = (indexes: Set<number>) => {
    let count = 0;
    while (indexes.has(count)) count++;
    return count;
  };
  return { train: upToGap(seen.train), holdout: upToGap(seen.holdout) };
}

export function createShardStore(bucket: R2Bucket): TrainingShardStore {
  const listKeys = async (prefix: string) => {
    const keys: string[] = [];
    for (let cursor: string | undefined; ;) {
      const page = await bucket.list({ prefix, cursor });
      keys.push(...page.objects.map((o) => o.key));
      if (!page.truncated) return keys;
      cursor = page.cursor;
    }
  };
  return {
    async putShard(tenantId, setId, part, index, frame) {
      await bucket.put(shardKey(tenantId, setId, part, index), encodeShard(index, frame));
    },
    async getShard(tenantId, setId, part, index) {
      const object = await bucket.get(shardKey(tenantId, setId, part, index));
      return object ? decodeRowFrame(await object.arrayBuffer()) : null;
    },
    async putSetInfo(tenantId, setId, info) {
      await bucket.put(setInfoKey(tenantId, setId), JSON.stringify(info), {
        httpMetadata: { contentType: "application/json" },
      });
    },
    async getSetInfo(tenantId, setId) {
      const object = await bucket.get(setInfoKey(tenantId, setId));
      return object ? ((await object.json()) as unknown) : null;
    },
    async listShards(tenantId, setId) {
      const prefix = shardPrefix(tenantId, setId);
      return countShards(prefix, await listKeys(prefix));
    },
    async deleteSet(tenantId, setId) {
      // R2 deletes at most 1,000 keys per call, the size of a listing page.
      const keys = await listKeys(shardPrefix(tenantId, setId));
      for (let k = 0; k < keys.length; k += 1000) await bucket.delete(keys.slice(k, k + 1000));
    },
  };
}
