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

/**
 * An isolate gathers the calls it answers in this window into one request to each log object:
 * a busy isolate then makes one Durable Object request per 20 ms instead of one per call, and a
 * call's answer is not slowed by its log write.
 */
export const COALESCE_MS = 20;
const MAX_CALLS_PER_APPEND = 200;

/** Per isolate: the calls waiting for the next append to each log object. */
const waiting = new Map<string, LoggedRequest[]>();

export interface PredictionLogStore {
  /**
   * Buffers a predict call's scored rows in its tenant's log; a batch id appended again is
   * ignored. The first call of a window resolves once the window's calls are appended (hand it to
   * waitUntil); the others join that append and resolve at once.
   */
  append(entry: LoggedRequest): Promise<void>;
  /** Where the tenant's logged calls were flushed to; calls unknown to the tenant or not flushed yet are absent. */
  resolve(tenantId: string, batchIds: readonly string[]): Promise<Map<string, SegmentRef>>;
}

export function createPredictionLogStore(namespace: Env["PREDICTION_LOG"]): PredictionLogStore {
  const log = (tenantId: string, shard: number) => namespace.get(namespace.idFromName(logName(tenantId, shard)));
  return {
    async append(entry) {
      const shard = shardOf(entry.batchId);
      const name = logName(entry.tenantId, shard);
      const joined = waiting.get(name);
      if (joined) {
        joined.push(entry);
        if (joined.length >= MAX_CALLS_PER_APPEND) waiting.delete(name);
        return;
      }
      const calls = [entry];
      waiting.set(name, calls);
      // The append is made from the context of the call that opened the window (its waitUntil).
      await new Promise((resolve) => setTimeout(resolve, COALESCE_MS));
      if (waiting.get(name) === calls) waiting.delete(name);
      await log(entry.tenantId, shard).appendMany(calls);
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
