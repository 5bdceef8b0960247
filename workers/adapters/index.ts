// The one place bindings are turned into adapters. Handlers, consumers and jobs receive
// an Adapters value and never touch env.DB, env.KV, env.BUCKET, the queues, the Durable Objects or the rate
// limiters themselves.
import { createBatchStore, type BatchStore } from "./batch-store.ts";
import { createDatabase } from "./database.ts";
import { createDatasetStore, type DatasetStore } from "./dataset-store.ts";
import { createAuditLog, type AuditLog } from "./audit-log.ts";
import { createFeedbackStore, type FeedbackStore } from "./feedback-store.ts";
import { createWebhookIds, type WebhookIds } from "./webhook-ids.ts";
import { createMetricsStore, type MetricsStore } from "./metrics-store.ts";
import { createJobQueues, type JobQueues } from "./job-queues.ts";
import { createKeyStore, type KeyStore } from "./key-store.ts";
import { createLockStore, type LockStore } from "./lock-store.ts";
import { createModelRegistry, type ModelRegistry } from "./model-registry.ts";
import { createResultCache, type ResultCache } from "./result-cache.ts";
import { createRunStore, type RunStore } from "./run-store.ts";
import { createRowStore, type RowStore } from "./row-store.ts";
import { createShardStore, type TrainingShardStore } from "./shard-store.ts";
import { createChunkLedger, type ChunkLedger } from "./chunk-ledger.ts";
import { createPredictionLogStore, type PredictionLogStore } from "./prediction-log.ts";
import { createRetrainRunner, type RetrainRunner } from "./retrain-runner.ts";
import { createRateLimiter, rateLimitBindings, UNLIMITED, type RateLimiter } from "./rate-limiter.ts";

export interface Adapters {
  keys: KeyStore;
  batches: BatchStore;
  rows: RowStore;
  shards: TrainingShardStore;
  ledger: ChunkLedger;
  predictionLog: PredictionLogStore;
  results: ResultCache;
  models: ModelRegistry;
  queues: JobQueues;
  locks: LockStore;
  datasets: DatasetStore;
  runs: RunStore;
  feedback: FeedbackStore;
  webhookIds: WebhookIds;
  audit: AuditLog;
  metrics: MetricsStore;
  retrains: RetrainRunner;
  rateLimiter: RateLimiter;
}

export function createAdapters(env: Env): Adapters {
  const db = createDatabase(env.DB);
  return {
    keys: createKeyStore(db, env.WEBHOOK_SECRETS_KEY),
    batches: createBatchStore(db, env.DB),
    rows: createRowStore(env.BUCKET),
    shards: createShardStore(env.BUCKET),
    ledger: createChunkLedger(env.BATCH_TRACKER),
    predictionLog: createPredictionLogStore(env.PREDICTION_LOG),
    results: createResultCache(env.KV, Number(env.RESULT_TTL_SECONDS)),
    models: createModelRegistry(db, env.KV, env.BUCKET),
    queues: createJobQueues(env),
    locks: createLockStore(db),
    datasets: createDatasetStore(db, env.BUCKET),
    runs: createRunStore(db),
    feedback: createFeedbackStore(db, env.DB),
    webhookIds: createWebhookIds(db),
    audit: createAuditLog(db),
    metrics: createMetricsStore(db),
    retrains: createRetrainRunner(env.RETRAIN_WORKFLOW),
    rateLimiter: String(env.RATE_LIMITS) === "off" ? UNLIMITED : createRateLimiter(rateLimitBindings(env)),
  };
}
