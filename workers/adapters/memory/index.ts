// Memory adapters: a whole Adapters value without a binding, so a service (ingest, scoring,
// reading, feedback, metrics) runs end to end in a test, in Node or workerd alike. Every store
// is its in-memory twin, held to the real store by its contract (test/workers/contracts/); the
// batch, feedback, metrics and run twins share one set of tables (`data`), as the real stores
// share D1. The queues and the prediction log have no twin: they are recording fakes that keep
// what was sent and deliver nothing, so a test runs the consumer it means to, when it means to.
import { createSecretsKey } from "../../codecs/secret-box.ts";
import type { Adapters } from "../index.ts";
import { createMemoryAuditLog, type MemoryAuditLog } from "./audit-log.ts";
import { createMemoryBatchStore } from "./batch-store.ts";
import { createMemoryChunkLedger, type MemoryChunkLedger } from "./chunk-ledger.ts";
import { createMemoryData, type MemoryData } from "./data.ts";
import { createMemoryDatasetStore } from "./dataset-store.ts";
import { createMemoryFeedbackStore } from "./feedback-store.ts";
import { createMemoryKeyStore, type MemoryKeyStore } from "./key-store.ts";
import { createMemoryLockStore } from "./lock-store.ts";
import { createMemoryMetricsStore } from "./metrics-store.ts";
import { createMemoryModelRegistry } from "./model-registry.ts";
import { createRecordingPredictionLog, type RecordingPredictionLog } from "./recording-prediction-log.ts";
import { createRecordingJobQueues, type RecordingJobQueues } from "./recording-queues.ts";
import { createMemoryResultCache, type MemoryResultCache } from "./result-cache.ts";
import { createMemoryRowStore, type MemoryRowStore } from "./row-store.ts";
import { createMemoryRunStore } from "./run-store.ts";
import { createMemoryShardStore, type MemoryShardStore } from "./shard-store.ts";
import { createMemoryWebhookIds } from "./webhook-ids.ts";
import { createRecordingRetrainRunner, type RecordingRetrainRunner } from "./retrain-runner.ts";
import { createMemoryRateLimiter } from "./rate-limiter.ts";
import type { RateLimitTable } from "../../contract/limits.ts";

/** Adapters whose extra handles let a test look inside (what was sent, stored, audited). */
export interface MemoryAdapters extends Adapters {
  keys: MemoryKeyStore;
  rows: MemoryRowStore;
  shards: MemoryShardStore;
  ledger: MemoryChunkLedger;
  predictionLog: RecordingPredictionLog;
  results: MemoryResultCache;
  queues: RecordingJobQueues;
  audit: MemoryAuditLog;
  retrains: RecordingRetrainRunner;
  /** The tables the batch, feedback, metrics and run twins share (D1's batches, feedback, rollups). */
  data: MemoryData;
}

export interface MemoryAdapterOptions {
  /** WEBHOOK_SECRETS_KEY (base64, 32 bytes); a fresh random key by default. */
  secretsKey?: string;
  /** RESULT_TTL_SECONDS; a week by default, as in wrangler.toml. */
  resultTtlSeconds?: number;
  /** Requests per key and period by class; RATE_LIMITS (wrangler.toml's) by default. */
  rateLimits?: RateLimitTable;
}

const WEEK_SECONDS = 7 * 24 * 60 * 60;

export function createMemoryAdapters(options: MemoryAdapterOptions = {}): MemoryAdapters {
  const keys = createMemoryKeyStore(options.secretsKey ?? createSecretsKey());
  const audit = createMemoryAuditLog();
  // Batches reference tenants, as in D1: the key store is the tenants table.
  const data = createMemoryData({ tenants: keys });
  return {
    keys,
    batches: createMemoryBatchStore(data),
    rows: createMemoryRowStore(),
    shards: createMemoryShardStore(),
    ledger: createMemoryChunkLedger(),
    predictionLog: createRecordingPredictionLog(),
    results: createMemoryResultCache(options.resultTtlSeconds ?? WEEK_SECONDS),
    models: createMemoryModelRegistry(audit),
    queues: createRecordingJobQueues(),
    locks: createMemoryLockStore(),
    datasets: createMemoryDatasetStore(keys),
    runs: createMemoryRunStore(() => data.feedback.values()),
    feedback: createMemoryFeedbackStore(data),
    webhookIds: createMemoryWebhookIds(),
    audit,
    metrics: createMemoryMetricsStore(data),
    retrains: createRecordingRetrainRunner(),
    rateLimiter: createMemoryRateLimiter(options.rateLimits),
    data,
  };
}
