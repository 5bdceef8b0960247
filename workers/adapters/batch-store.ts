// Batches, their chunks and scored rows in D1. Recording a chunk is one D1 batch() of raw
// prepared statements (a transaction): upsert its rows, mark the chunk scored once, recount, and complete the
// batch when every row is in. A redelivered chunk overwrites itself and never double-counts.
import { and, asc, count, desc, eq, gt, lt, ne, or, sql } from "drizzle-orm";
import { batches, feedback, predictions } from "../db/schema.ts";
import { chunkStatements } from "./chunk-statements.ts";
import type { Database } from "./database.ts";

export type BatchRecord = typeof batches.$inferSelect;
/** The source of the batches that hold rows logged by /v1/predict (kept out of the batch list). */
export const PREDICT_SOURCE = "predict";
export type NewBatch = Omit<
  typeof batches.$inferInsert,
  "status" | "done" | "createdAt" | "callbackStatus" | "callbackAttempts" | "callbackError"
>;

export interface ScoredRow {
  row: number;
  clientId: string | null;
  features: readonly number[];
  label: 0 | 1;
  margin: number;
  modelVersion: string;
}

export interface StoredPrediction {
  row: number;
  clientId: string | null;
  label: number;
  margin: number;
  modelVersion: string;
}

export interface ExportRow extends StoredPrediction {
  features: string;
  feedbackLabel: number | null;
  feedbackSource: string | null;
}

export interface PageCursor {
  createdAt: number;
  id: string;
}

export interface BatchStore {
  /** Inserts the batch unless the tenant already used its idempotency key; then returns that batch. */
  createBatch(batch: NewBatch): Promise<{ created: boolean; batch: BatchRecord }>;
  findBatch(tenantId: string, id: string): Promise<BatchRecord | null>;
  /** Unscoped lookup, for the queue consumer only (its messages carry ids we issued). */
  getBatch(id: string): Promise<BatchRecord | null>;
  listBatches(tenantId: string, limit: number, after: PageCursor | null): Promise<BatchRecord[]>;
  /** Fails a pending batch; `releaseKey` frees its idempotency key so the client can retry with it. */
  markFailed(id: string, error: string, releaseKey?: boolean): Promise<void>;
  recordChunk(batchId: string, chunk: number, rows: readonly ScoredRow[]): Promise<BatchRecord | null>;
  /** Records a chunk scored elsewhere (by /v1/predict), making its batch row if it is the first: one D1 round trip. */
  recordLoggedChunk(batch: NewBatch, chunk: number, rows: readonly ScoredRow[]): Promise<void>;
  readPredictions(batchId: string): Promise<StoredPrediction[]>;
  /** A page of rows with their features and latest feedback, for exports. */
  readExportPage(batchId: string, afterRow: number, limit: number): Promise<ExportRow[]>;
  /** The feature vectors that were scored, by row. */
  readFeatures(batchId: string): Promise<Map<number, number[]>>;
  /** Batches still pending that were created before `before`, oldest first. */
  listStuck(before: number, limit: number): Promise<BatchRecord[]>;
  /** How many rows of the batch are scored and stored. */
  countScored(batchId: string): Promise<number>;
  /** Completes a pending batch whose every row is stored (a re-drive); returns the updated record. */
  markComplete(batchId: string): Promise<BatchRecord | null>;
  /** Removes a tenant's batch with its rows, chunks and labels, in one transaction; false when absent. */
  deleteBatch(tenantId: string, id: string): Promise<boolean>;
  /** Batches past their tenant's retention (or `defaultDays`), oldest first. */
  listExpired(defaultDays: number, now: number, limit: number): Promise<{ id: string; tenantId: string }[]>;
  /** Records a callback outcome; `attempted` counts one more delivery attempt. */
  recordCallback(
    batchId: string,
    outcome: { status: "pending" | "delivered" | "failed"; error?: string | null; attempted?: boolean },
  ): Promise<void>;
  /** Finds scored rows by index or client id in one query; the map holds only those found. */
  resolveRows(
    batchId: string,
    by: "row" | "id",
    keys: readonly (number | string)[],
  ): Promise<Map<number | string, number>>;
}

const PREDICTION_COLUMNS = {
  row: predictions.row,
  clientId: predictions.clientId,
  label: predictions.label,
  margin: predictions.margin,
  modelVersion: predictions.modelVersion,
};

export function createBatchStore(db: Database, d1: D1Database): BatchStore {
  const findById = async (id: string) =>
    (await db.select().from(batches).where(eq(batches.id, id)).limit(1))[0] ?? null;

  return {
    async createBatch(batch) {
      const inserted = await db
        .insert(batches)
        .values({
          ...batch,
          status: "pending",
          done: 0,
          createdAt: Date.now(),
          callbackStatus: batch.callbackUrl ? "pending" : null,
        })
        .onConflictDoNothing()
        .returning();
      if (inserted[0]) return { created: true, batch: inserted[0] };
      const existing = await db
        .select()
        .from(batches)
        .where(and(eq(batches.tenantId, batch.tenantId), eq(batches.idempotencyKey, batch.idempotencyKey ?? "")))
        .limit(1);
      if (!existing[0]) throw new Error(`batch ${batch.id} was neither inserted nor found by its idempotency key`);
      return { created: false, batch: existing[0] };
    },

    async findBatch(tenantId, id) {
      const rows = await db
        .select()
        .from(batches)
        .where(and(eq(batches.tenantId, tenantId), eq(batches.id, id)))
        .limit(1);
      return rows[0] ?? null;
    },

    getBatch: findById,

    async listBatches(tenantId, limit, after) {
      const page = after
        ? or(
            lt(batches.createdAt, after.createdAt),
            and(eq(batches.createdAt, after.createdAt), lt(batches.id, after.id)),
          )
        : undefined;
      // Rows logged by /v1/predict are batches too (for labels), but not ones a user submitted.
      return db
        .select()
        .from(batches)
        .where(and(eq(batches.tenantId, tenantId), ne(batches.source, PREDICT_SOURCE), page))
        .orderBy(desc(batches.createdAt), desc(batches.id))
        .limit(limit);
    },

    async markFailed(id, error, releaseKey = false) {
      await db
        .update(batches)
        .set({ status: "failed", error, completedAt: Date.now(), ...(releaseKey ? { idempotencyKey: null } : {}) })
        .where(and(eq(batches.id, id), eq(batches.status, "pending")));
    },

    async recordChunk(batchId, chunk, rows) {
      await d1.batch(chunkStatements(d1, batchId, chunk, rows, Date.now()));
      return findById(batchId);
    },

    async recordLoggedChunk(batch, chunk, rows) {
      // The batch row is made by whichever chunk comes first, in the same transaction.
      const now = Date.now();
      await d1.batch([
        d1
          .prepare(
            `INSERT INTO batches (id, tenant_id, status, rows, chunks, done, feature_count, body_hash, source, created_at)
             VALUES (?1, ?2, 'pending', ?3, ?4, 0, ?5, '', ?6, ?7) ON CONFLICT (id) DO NOTHING`,
          )
          .bind(batch.id, batch.tenantId, batch.rows, batch.chunks, batch.featureCount, batch.source ?? "api", now),
        ...chunkStatements(d1, batch.id, chunk, rows, now),
      ]);
    },

    async readPredictions(batchId) {
      return db
        .select(PREDICTION_COLUMNS)
        .from(predictions)
        .where(eq(predictions.batchId, batchId))
        .orderBy(asc(predictions.row));
    },

    async readExportPage(batchId, afterRow, limit) {
      return db
        .select({
          ...PREDICTION_COLUMNS,
          features: predictions.features,
          feedbackLabel: feedback.label,
          feedbackSource: feedback.source,
        })
        .from(predictions)
        .leftJoin(feedback, and(eq(feedback.batchId, predictions.batchId), eq(feedback.row, predictions.row)))
        .where(and(eq(predictions.batchId, batchId), gt(predictions.row, afterRow)))
        .orderBy(asc(predictions.row))
        .limit(limit);
    },

    async listStuck(before, limit) {
      return db
        .select()
        .from(batches)
        .where(and(eq(batches.status, "pending"), lt(batches.createdAt, before)))
        .orderBy(asc(batches.createdAt))
        .limit(limit);
    },

    async countScored(batchId) {
      const rows = await db.select({ n: count() }).from(predictions).where(eq(predictions.batchId, batchId));
      return rows[0]?.n ?? 0;
    },

    async markComplete(batchId) {
      await db
        .update(batches)
        .set({ status: "complete", done: sql`${batches.rows}`, completedAt: Date.now() })
        .where(and(eq(batches.id, batchId), eq(batches.status, "pending")));
      return findById(batchId);
    },

    async deleteBatch(tenantId, id) {
      const owned = await d1
        .prepare("SELECT 1 AS ok FROM batches WHERE id = ?1 AND tenant_id = ?2")
        .bind(id, tenantId)
        .first();
      if (!owned) return false;
      await d1.batch([
        d1.prepare("DELETE FROM feedback WHERE batch_id = ?1").bind(id),
        d1.prepare("DELETE FROM predictions WHERE batch_id = ?1").bind(id),
        d1.prepare("DELETE FROM batch_chunks WHERE batch_id = ?1").bind(id),
        d1.prepare("DELETE FROM batches WHERE id = ?1 AND tenant_id = ?2").bind(id, tenantId),
      ]);
      return true;
    },

    async listExpired(defaultDays, now, limit) {
      const rows = await d1
        .prepare(
          `SELECT b.id AS id, b.tenant_id AS tenantId FROM batches b JOIN tenants t ON t.id = b.tenant_id
           WHERE b.created_at < ?1 - coalesce(t.retention_days, ?2) * 86400000
           ORDER BY b.created_at LIMIT ?3`,
        )
        .bind(now, defaultDays, limit)
        .all<{ id: string; tenantId: string }>();
      return rows.results;
    },

    async recordCallback(batchId, outcome) {
      await db
        .update(batches)
        .set({
          callbackStatus: outcome.status,
          ...(outcome.error === undefined ? {} : { callbackError: outcome.error?.slice(0, 500) ?? null }),
          ...(outcome.attempted ? { callbackAttempts: sql`${batches.callbackAttempts} + 1` } : {}),
        })
        .where(eq(batches.id, batchId));
    },

    async resolveRows(batchId, by, keys) {
      // One statement for up to 10,000 keys: they travel as one JSON parameter (D1 binds at most 100).
      const column = by === "row" ? "row" : "client_id";
      const result = await d1
        .prepare(
          `SELECT row, client_id AS clientId FROM predictions
           WHERE batch_id = ?1 AND ${column} IN (SELECT value FROM json_each(?2))`,
        )
        .bind(batchId, JSON.stringify(keys))
        .all<{ row: number; clientId: string | null }>();
      return new Map(result.results.map((r) => [by === "row" ? r.row : (r.clientId ?? ""), r.row]));
    },

    async readFeatures(batchId) {
      const rows = await db
        .select({ row: predictions.row, features: predictions.features })
        .from(predictions)
        .where(eq(predictions.batchId, batchId));
      return new Map(rows.map((r) => [r.row, JSON.parse(r.features) as number[]]));
    },
  };
}
