// The D1 schema (drizzle): the source of truth. KV and R2 only ever hold copies or
// immutable blobs of what is recorded here. Times are epoch milliseconds.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
    createdAt: integer("created_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [
    uniqueIndex("batches_idempotency").on(t.tenantId, t.idempotencyKey),
    index("batches_tenant_created").on(t.tenantId, t.createdAt, t.id),
    // The stuck-batch sweeper looks for old pending batches.
    index("batches_status_created").on(t.status, t.createdAt),
  ],
);

// Which chunks of a batch have been scored: a redelivered chunk finds its row here and
// cannot advance the batch twice.
export const batchChunks = sqliteTable(
  "batch_chunks",
  {
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    chunk: integer("chunk").notNull(),
    rows: integer("rows").notNull(),
    scoredAt: integer("scored_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.chunk] })],
);

export const predictions = sqliteTable(
  "predictions",
  {
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    row: integer("row").notNull(),
    clientId: text("client_id"),
    // The exact feature vector that was scored (JSON array), so feedback trains on what the model saw.
    features: text("features").notNull(),
    label: integer("label").notNull(),
    margin: real("margin").notNull(),
    modelVersion: text("model_version").notNull(),
    scoredAt: integer("scored_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.row] }), index("predictions_model").on(t.modelVersion)],
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
    source: text("source", { enum: ["dashboard", "api", "webhook"] }).notNull(),
    // When the label was given (not when it arrived): the latest label for a row wins.
    labelledAt: integer("labelled_at").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.row] }), index("feedback_received").on(t.receivedAt)],
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
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.version] }),
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
