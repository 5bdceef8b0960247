// The in-memory twin of shard-store.ts. Shards are kept as the bytes R2 would hold, under the same
// keys, so a frame is encoded on the way in (a malformed or unlabelled one is refused before
// anything is stored) and each reader decodes its own copy, as R2 hands each reader a fresh body.
import { decodeRowFrame } from "../../codecs/row-frame.ts";
import {
  countShards,
  encodeShard,
  setInfoKey,
  shardKey,
  shardPrefix,
  type TrainingShardStore,
} from "../shard-store.ts";

export interface MemoryShardStore extends TrainingShardStore {
  /** The keys of the objects stored under a prefix, in R2's listing order. */
  keys(prefix?: string): string[];
}

export function createMemoryShardStore(): MemoryShardStore {
  const objects = new Map<string, Uint8Array>();
  const keys = (prefix = "") => [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  return {
    async putShard(tenantId, setId, part, index, frame) {
      objects.set(shardKey(tenantId, setId, part, index), encodeShard(index, frame));
    },
    async getShard(tenantId, setId, part, index) {
      const bytes = objects.get(shardKey(tenantId, setId, part, index));
      return bytes ? decodeRowFrame(bytes.slice()) : null;
    },
    async putSetInfo(tenantId, setId, info) {
      objects.set(setInfoKey(tenantId, setId), new TextEncoder().encode(JSON.stringify(info)));
    },
    async getSetInfo(tenantId, setId) {
      const bytes = objects.get(setInfoKey(tenantId, setId));
      return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as unknown) : null;
    },
    async listShards(tenantId, setId) {
      const prefix = shardPrefix(tenantId, setId);
      return countShards(prefix, keys(prefix));
    },
    async deleteSet(tenantId, setId) {
      for (const key of keys(shardPrefix(tenantId, setId))) objects.delete(key);
    },
    keys,
  };
}
