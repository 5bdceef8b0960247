// Training runs in D1, each a tenant's. A run that trains is recorded as "running" before it starts, so a run
// whose isolate is killed mid-way stays visible; the next run (which holds the lease, so no
// other run can be alive) closes such rows as failed with the reason.
import { and, count, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { feedback, trainingRuns } from "../db/schema.ts";
import type { Database } from "./database.ts";

export type RunRecord = typeof trainingRuns.$inferSelect;
export type RunTrigger = RunRecord["trigger"];
export type RunOutcome = "skipped" | "promoted" | "rejected" | "failed";

export interface RunResult {
  status: RunOutcome;
  reason: string;
  details: Record<string, unknown>;
  championVersion?: string | null;
  challengerVersion?: string | null;
}

export interface RunStore {
  /** A run that has an outcome already (a skip, the seed's first model). */
  record(tenantId: string, id: string, trigger: RunTrigger, startedAt: number, result: RunResult): Promise<void>;
  start(tenantId: string, id: string, trigger: RunTrigger, startedAt: number): Promise<void>;
  finish(id: string, result: RunResult): Promise<void>;
  /** Closes the tenant's runs left "running" that started before `before` (their isolate died). */
  closeAbandoned(tenantId: string, before: number, reason: string): Promise<number>;
  listRuns(tenantId: string, limit: number): Promise<RunRecord[]>;
  /** One of the tenant's runs; null for an unknown id or another tenant's run. */
  findRun(tenantId: string, id: string): Promise<RunRecord | null>;
  /** When the tenant's last run that trained started (0 when none has). */
  lastTrainedAt(tenantId: string): Promise<number>;
  countFeedbackSince(tenantId: string, since: number): Promise<number>;
  /** Tenants with at least `minFeedback` labels received since their last run that trained. */
  tenantsDueForRetraining(minFeedback: number, limit: number): Promise<string[]>;
}

export function createRunStore(db: Database): RunStore {
  return {
    async record(tenantId, id, trigger, startedAt, result) {
      await db.insert(trainingRuns).values({
        id,
        tenantId,
        trigger,
        startedAt,
        finishedAt: Date.now(),
        status: result.status,
        reason: result.reason,
        details: JSON.stringify(result.details),
        championVersion: result.championVersion ?? null,
        challengerVersion: result.challengerVersion ?? null,
      });
    },

    async start(tenantId, id, trigger, startedAt) {
      await db.insert(trainingRuns).values({ id, tenantId, trigger, status: "running", startedAt });
    },

    async finish(id, result) {
      await db
        .update(trainingRuns)
        .set({
          status: result.status,
          reason: result.reason,
          details: JSON.stringify(result.details),
          championVersion: result.championVersion ?? null,
          challengerVersion: result.challengerVersion ?? null,
          finishedAt: Date.now(),
        })
        .where(eq(trainingRuns.id, id));
    },

    async closeAbandoned(tenantId, before, reason) {
      const closed = await db
        .update(trainingRuns)
        .set({ status: "failed", reason, finishedAt: Date.now() })
        .where(
          and(
            eq(trainingRuns.tenantId, tenantId),
            eq(trainingRuns.status, "running"),
            lt(trainingRuns.startedAt, before),
          ),
        )
        .returning({ id: trainingRuns.id });
      return closed.length;
    },

    async listRuns(tenantId, limit) {
      return db
        .select()
        .from(trainingRuns)
        .where(eq(trainingRuns.tenantId, tenantId))
        .orderBy(desc(trainingRuns.startedAt))
        .limit(limit);
    },

    async findRun(tenantId, id) {
      const rows = await db
        .select()
        .from(trainingRuns)
        .where(and(eq(trainingRuns.id, id), eq(trainingRuns.tenantId, tenantId)))
        .limit(1);
      return rows[0] ?? null;
    },

    async lastTrainedAt(tenantId) {
      const rows = await db
        .select({ startedAt: trainingRuns.startedAt })
        .from(trainingRuns)
        .where(and(eq(trainingRuns.tenantId, tenantId), inArray(trainingRuns.status, ["promoted", "rejected"])))
        .orderBy(desc(trainingRuns.startedAt))
        .limit(1);
      return rows[0]?.startedAt ?? 0;
    },

    async countFeedbackSince(tenantId, since) {
      const rows = await db
        .select({ n: count() })
        .from(feedback)
        .where(and(eq(feedback.tenantId, tenantId), gt(feedback.receivedAt, since)));
      return rows[0]?.n ?? 0;
    },

    async tenantsDueForRetraining(minFeedback, limit) {
      // One query for every tenant: labels received since each tenant's last run that trained.
      const rows = await db.all<{ tenantId: string }>(sql`
        SELECT f.tenant_id AS tenantId FROM feedback f
        LEFT JOIN (SELECT tenant_id, max(started_at) AS last FROM training_runs
                   WHERE status IN ('promoted', 'rejected') GROUP BY tenant_id) r ON r.tenant_id = f.tenant_id
        WHERE f.received_at > coalesce(r.last, 0)
        GROUP BY f.tenant_id HAVING count(*) >= ${minFeedback}
        ORDER BY min(f.received_at) LIMIT ${limit}`);
      return rows.map((r) => r.tenantId);
    },
  };
}
