// The D1 schema (drizzle): what is relational and small — tenants, keys, one row per batch, the
// model registry, runs, the label index, idempotency and hourly rollups. The rows themselves
// (features, scores, client ids) live in R2 as binary columns (adapters/row-store.ts); KV holds
// copies. Times are epoch milliseconds.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  // Shared secret for Standard Webhooks: verifies feedback webhooks and signs result callbacks.
  // Encrypted at rest (AES-GCM with the WEBHOOK_SECRETS_KEY Worker secret; see codecs/secret-box.ts).
  webhookSecret: text("webhook_secret").notNull(),
  // After a rotation the previous secret stays valid until this time, so senders can switch over.
  webhookSecretPrevious: text("webhook_secret_previous"),
  webhookSecretPreviousUntil: integer("webhook_secret_previous_until"),
  // Where the tenant's base training set lives in R2 (null until one is published or seeded).
  baseDatasetKey: text("base_dataset_key"),
  // Days a batch (rows, results, labels) is kept; null takes RETENTION_DAYS from [vars].
  retentionDays: integer("retention_days"),
  createdAt: integer("created_at").notNull(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    // SHA-256 of the key's secret part; the key itself is shown once and never stored.
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes").notNull(),
    label: text("label"),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_tenant").on(t.tenantId)],
);

export const batches = sqliteTable(
  "batches",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    status: text("status", { enum: ["pending", "complete", "failed"] }).notNull(),
    rows: integer("rows").notNull(),
    chunks: integer("chunks").notNull(),
    done: integer("done").notNull().default(0),
    featureCount: integer("feature_count").notNull(),
    idempotencyKey: text("idempotency_key"),
    bodyHash: text("body_hash").notNull(),
    callbackUrl: text("callback_url"),
    // The outcome of the signed result callback, when one was asked for.
    callbackStatus: text("callback_status", { enum: ["pending", "delivered", "failed"] }),
    callbackAttempts: integer("callback_attempts").notNull().default(0),
    callbackError: text("callback_error"),
    source: text("source").notNull().default("api"),
    error: text("error"),
    // How many times the cron re-queued this batch's chunks from its rows in R2 (see sweep-stuck-batches.ts).
    redrives: integer("redrives").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    completedAt: integer("completed_at"),
    // Set when the batch completes: rows predicted 1, and the version that scored most of its
    // rows (a promotion can land between two chunks). The batches list shows and filters on them.
    positives: integer("positives"),
    modelVersion: text("model_version"),
  },
  (t) => [
    uniqueIndex("batches_idempotency").on(t.tenantId, t.idempotencyKey),
    index("batches_tenant_created").on(t.tenantId, t.createdAt, t.id),
    // The batches list's filters (GET /v1/batches?status=…, ?modelVersion=…) walk only the
    // batches they match, newest first, however few match.
    index("batches_tenant_status_created").on(t.tenantId, t.status, t.createdAt, t.id),
    index("batches_tenant_version_created").on(t.tenantId, t.modelVersion, t.createdAt, t.id),
    // The stuck-batch sweeper looks for old pending batches.
    index("batches_status_created").on(t.status, t.createdAt),
  ],
);

export const feedback = sqliteTable(
  "feedback",
  {
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    row: integer("row").notNull(),
    tenantId: text("tenant_id").notNull(),
    label: integer("label").notNull(),
    // What the model said for this row and which version said it (from the scores in R2), so
    // agreement is counted when the label arrives and metrics never join back to the rows.
    predicted: integer("predicted").notNull().default(0),
    modelVersion: text("model_version").notNull().default(""),
    source: text("source", { enum: ["dashboard", "api", "webhook"] }).notNull(),
    // When the label was given (not when it arrived): the latest label for a row wins.
    labelledAt: integer("labelled_at").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.row] }),
    // Retraining pages through a tenant's labels oldest first (keyset, never OFFSET).
    index("feedback_tenant_labelled").on(t.tenantId, t.labelledAt, t.batchId, t.row),
  ],
);

// Hourly aggregates per tenant and model version: what GET /v1/metrics and drift read, so a
// metrics call costs O(hours), never O(rows). A batch adds its counts once, when it completes
// (in the transaction that completes it); a label adds its agreement when it is recorded and
// takes it back when a later label replaces it. Histograms are JSON arrays of counts: `latency`
// over LATENCY_BOUNDS_MS (workers/services/rollup.ts), `features` the scored values binned on
// the version's training deciles, feature-major, `scores` the margins over SCORE_BOUNDS.
export const rollups = sqliteTable(
  "rollups",
  {
    tenantId: text("tenant_id").notNull(),
    hour: integer("hour").notNull(),
    modelVersion: text("model_version").notNull(),
    batches: integer("batches").notNull().default(0),
    rows: integer("rows").notNull().default(0),
    positives: integer("positives").notNull().default(0),
    labelled: integer("labelled").notNull().default(0),
    correct: integer("correct").notNull().default(0),
    // The confusion matrix of the labelled rows, with labelled and correct: true label 1, and
    // true label 1 predicted 1.
    labelledPositives: integer("labelled_positives").notNull().default(0),
    truePositives: integer("true_positives").notNull().default(0),
    latency: text("latency").notNull().default("[]"),
    features: text("features").notNull().default("[]"),
    // The scored margins in fixed buckets (SCORE_BOUNDS in workers/services/rollup.ts).
    scores: text("scores").notNull().default("[]"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.hour, t.modelVersion] })],
);

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    tenantId: text("tenant_id").notNull(),
    webhookId: text("webhook_id").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.webhookId] }), index("webhook_deliveries_received").on(t.receivedAt)],
);

// Every model belongs to one tenant: its versions, champion, artifacts and gate decisions.
export const models = sqliteTable(
  "models",
  {
    tenantId: text("tenant_id").notNull(),
    version: text("version").notNull(),
    status: text("status", { enum: ["champion", "candidate", "retired", "rejected"] }).notNull(),
    parentVersion: text("parent_version"),
    artifactKey: text("artifact_key").notNull(),
    checksum: text("checksum").notNull(),
    featureNames: text("feature_names").notNull(),
    trainingRows: integer("training_rows").notNull(),
    fingerprint: text("fingerprint").notNull(),
    metrics: text("metrics").notNull(),
    // Accuracy on the tenant's latest holdout (JSON), refreshed for every version at each
    // retrain, so versions are compared on the same rows.
    holdout: text("holdout"),
    gate: text("gate"),
    source: text("source").notNull(),
    createdAt: integer("created_at").notNull(),
    activatedAt: integer("activated_at"),
    // The training run that registered this version (null for seeded and published ones): a run
    // registers at most one version, however often its register step is retried.
    runId: text("run_id"),
    // The names of label 0 and label 1 (JSON), from the artifact when it is registered, so a
    // listing never reads artifacts; null for a version registered before names were kept.
    classNames: text("class_names"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.version] }),
    uniqueIndex("models_one_per_run")
      .on(t.tenantId, t.runId)
      .where(sql`run_id IS NOT NULL`),
    index("models_tenant_created").on(t.tenantId, t.createdAt),
    // At most one champion per tenant, enforced by the database rather than by care.
    uniqueIndex("models_one_champion")
      .on(t.tenantId, t.status)
      .where(sql`status = 'champion'`),
  ],
);

export const trainingRuns = sqliteTable(
  "training_runs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    trigger: text("trigger", { enum: ["cron", "api", "seed"] }).notNull(),
    status: text("status", { enum: ["running", "skipped", "promoted", "rejected", "failed"] }).notNull(),
    reason: text("reason"),
    championVersion: text("champion_version"),
    challengerVersion: text("challenger_version"),
    details: text("details"),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("training_runs_tenant_started").on(t.tenantId, t.startedAt)],
);

// Named leases (e.g. "retrain"): one holder at a time, expiring so a crashed holder cannot block forever.
export const locks = sqliteTable("locks", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tenantId: text("tenant_id"),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    subject: text("subject"),
    detail: text("detail"),
    at: integer("at")
      .notNull()
      .default(sql`(unixepoch() * 1000)`),
  },
  (t) => [index("audit_log_at").on(t.at)],
);
