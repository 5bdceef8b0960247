// The tenants' prediction logs (durable/prediction-log.ts) seen from the services: append the rows
// a /v1/predict call scored, and find where logged calls were flushed to. A tenant's log is split
// into PREDICTION_LOG_SHARDS objects by a hash of the call's batch id, so every call of a batch id
// (its append and every later resolve) reaches the same object, and only the caller's tenant's.
import { hashKey } from "../../model/index.ts";
import type { LoggedRequest, SegmentRef } from "../durable/prediction-log.ts";

export type { LoggedRequest, SegmentRef };

/**
 * Objects per tenant. One object takes about 1,000 requests a second (a Durable Object runs one
 * event at a time), so a tenant sending more /v1/predict calls than that needs more shards.
 * Raising it moves batch ids to other shards: predictionIds answered before the change no longer
 * resolve, so their labels are refused (the rows stay stored and counted).
 */
export const PREDICTION_LOG_SHARDS = 1;

export const shardOf = (batchId: string, shards = PREDICTION_LOG_SHARDS) => hashKey(batchId) % shards;
export const logName = (tenantId: string, shard: number) => `${tenantId}:${shard}`;

export interface PredictionLogStore {
  /** Buffers a predict call's scored rows in its tenant's log; a batch id appended again is ignored. */
  append(entry: LoggedRequest): Promise<void>;
  /** Where the tenant's logged calls were flushed to; calls unknown to the tenant or not flushed yet are absent. */
  resolve(tenantId: string, batchIds: readonly string[]): Promise<Map<string, SegmentRef>>;
}

export function createPredictionLogStore(namespace: Env["PREDICTION_LOG"]): PredictionLogStore {
  const log = (tenantId: string, shard: number) => namespace.get(namespace.idFromName(logName(tenantId, shard)));
  return {
    async append(entry) {
      await log(entry.tenantId, shardOf(entry.batchId)).append(entry);
    },
    async resolve(tenantId, batchIds) {
      const byShard = new Map<number, string[]>();
      for (const id of new Set(batchIds)) byShard.set(shardOf(id), [...(byShard.get(shardOf(id)) ?? []), id]);
      const found = new Map<string, SegmentRef>();
      await Promise.all(
        [...byShard].map(async ([shard, ids]) => {
          const refs = await log(tenantId, shard).resolve(ids);
          for (const [batchId, ref] of Object.entries(refs)) found.set(batchId, ref);
        }),
      );
      return found;
    },
  };
}
