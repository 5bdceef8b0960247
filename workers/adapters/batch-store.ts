// One D1 row per batch: its status, idempotency key, callback and counts. The rows themselves
// are in R2 (row-store.ts) and chunk progress in the batch's Durable Object (chunk-ledger.ts), so a
// batch costs D1 two writes, not one per row: the insert and the completion, which adds the
// batch's counts to the hourly rollups in the same transaction, exactly once.
import { and, asc, desc, eq, gte, lt, lte, ne, or, sql } from "drizzle-orm";
import { batches } from "../db/schema.ts";
import { batchRollupStatement } from "./rollup-statements.ts";
import type { BatchFilter } from "../contract/api.ts";
import type { RollupDelta } from "../services/rollup.ts";
import { batchOutcome } from "../services/batch-outcome.ts";
import type { Database } from "./database.ts";

export type BatchRecord = typeof batches.$inferSelect;
/** The source of the batches that hold rows logged by /v1/predict (kept out of the batch list). */
export const PREDICT_SOURCE = "predict";
export type NewBatch = Omit<
  typeof batches.$inferInsert,
  "status" | "done" | "createdAt" | "callbackStatus" | "callbackAttempts" | "callbackError"
>;

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
  /** The tenant's batches newest first, keyset-paged, those of /v1/predict left out, `filter` applied. */
  listBatches(tenantId: string, limit: number, after: PageCursor | null, filter?: BatchFilter): Promise<BatchRecord[]>;
  /** Fails a pending batch; `releaseKey` frees its idempotency key so the client can retry with it. */
  markFailed(id: string, error: string, releaseKey?: boolean): Promise<void>;
  /**
   * Completes a pending batch, recording its positives and main version (services/batch-outcome.ts)
   * from the deltas, and adds its counts to the rollups, in one transaction; a batch already
   * finished is left as it is and counted nothing. Returns the batch as it now stands.
   */
  completeBatch(batchId: string, completedAt: number, deltas: readonly RollupDelta[]): Promise<BatchRecord | null>;
  /** Records a finished batch of rows /v1/predict scored, and its counts, once. */
  recordLoggedBatch(batch: NewBatch, completedAt: number, deltas: readonly RollupDelta[]): Promise<void>;
  /** Counts one more re-queueing of a stuck batch's chunks. */
  markRedriven(batchId: string): Promise<void>;
  /** Batches still pending that were created before `before`, oldest first. */
  listStuck(before: number, limit: number): Promise<BatchRecord[]>;
  /** Removes a tenant's batch row and its labels, in one transaction; false when absent. */
  deleteBatch(tenantId: string, id: string): Promise<boolean>;
  /** Batches past their tenant's retention (or `defaultDays`), oldest first. */
  listExpired(defaultDays: number, now: number, limit: number): Promise<{ id: string; tenantId: string }[]>;
  /** Records a callback outcome; `attempted` counts one more delivery attempt. */
  recordCallback(
    batchId: string,
    outcome: { status: "pending" | "delivered" | "failed"; error?: string | null; attempted?: boolean },
  ): Promise<void>;
}

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

    async listBatches(tenantId, limit, after, filter = {}) {
      const page = after
        ? or(
            lt(batches.createdAt, after.createdAt),
            and(eq(batches.createdAt, after.createdAt), lt(batches.id, after.id)),
          )
        : undefined;
      // The filters narrow the same (tenant, created_at, id) index walk; absent ones are no-ops.
      const filtered = [
        filter.status === undefined ? undefined : eq(batches.status, filter.status),
        filter.source === undefined ? undefined : eq(batches.source, filter.source),
        filter.from === undefined ? undefined : gte(batches.createdAt, filter.from),
        filter.to === undefined ? undefined : lte(batches.createdAt, filter.to),
        filter.modelVersion === undefined ? undefined : eq(batches.modelVersion, filter.modelVersion),
      ];
      // Rows logged by /v1/predict are batches too (for labels), but not ones a user submitted.
      return db
        .select()
        .from(batches)
        .where(and(eq(batches.tenantId, tenantId), ne(batches.source, PREDICT_SOURCE), page, ...filtered))
        .orderBy(desc(batches.createdAt), desc(batches.id))
        .limit(limit);
    },

    async markFailed(id, error, releaseKey = false) {
      await db
        .update(batches)
        .set({ status: "failed", error, completedAt: Date.now(), ...(releaseKey ? { idempotencyKey: null } : {}) })
        .where(and(eq(batches.id, id), eq(batches.status, "pending")));
    },

    async completeBatch(batchId, completedAt, deltas) {
      // In the statement that completes the batch: a redelivered chunk finds it complete and
      // cannot rewrite what it recorded.
      const outcome = batchOutcome(deltas);
      await d1.batch([
        d1
          .prepare(
            `UPDATE batches SET status = 'complete', done = rows, completed_at = ?2, positives = ?3, model_version = ?4
             WHERE id = ?1 AND status = 'pending'`,
          )
          .bind(batchId, completedAt, outcome.positives, outcome.modelVersion),
        ...deltas.map((delta) => batchRollupStatement(d1, delta)),
      ]);
      return findById(batchId);
    },

    async recordLoggedBatch(batch, completedAt, deltas) {
      const outcome = batchOutcome(deltas);
      await d1.batch([
        d1
          .prepare(
            `INSERT INTO batches (id, tenant_id, status, rows, chunks, done, feature_count, body_hash, source, created_at,
               completed_at, positives, model_version)
             VALUES (?1, ?2, 'complete', ?3, ?4, ?3, ?5, '', ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO NOTHING`,
          )
          .bind(
            batch.id,
            batch.tenantId,
            batch.rows,
            batch.chunks,
            batch.featureCount,
            batch.source ?? "api",
            completedAt,
            completedAt,
            outcome.positives,
            outcome.modelVersion,
          ),
        ...deltas.map((delta) => batchRollupStatement(d1, delta)),
      ]);
    },

    async markRedriven(batchId) {
      await db
        .update(batches)
        .set({ redrives: sql`${batches.redrives} + 1` })
        .where(eq(batches.id, batchId));
    },

    async listStuck(before, limit) {
      return db
        .select()
        .from(batches)
        .where(and(eq(batches.status, "pending"), lt(batches.createdAt, before)))
        .orderBy(asc(batches.createdAt))
        .limit(limit);
    },

    async deleteBatch(tenantId, id) {
      const owned = await d1
        .prepare("SELECT 1 AS ok FROM batches WHERE id = ?1 AND tenant_id = ?2")
        .bind(id, tenantId)
        .first();
      if (!owned) return false;
      await d1.batch([
        d1.prepare("DELETE FROM feedback WHERE batch_id = ?1").bind(id),
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
  };
}
