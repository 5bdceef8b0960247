// Training runs in D1. A run that trains is recorded as "running" before it starts, so a run
// whose isolate is killed mid-way stays visible; the next run (which holds the lease, so no
// other run can be alive) closes such rows as failed with the reason.
import { and, count, desc, eq, gt, inArray, lt } from "drizzle-orm";
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
  record(id: string, trigger: RunTrigger, startedAt: number, result: RunResult): Promise<void>;
  start(id: string, trigger: RunTrigger, startedAt: number): Promise<void>;
  finish(id: string, result: RunResult): Promise<void>;
  /** Closes runs left "running" that started before `before` (their isolate died); returns how many. */
  closeAbandoned(before: number, reason: string): Promise<number>;
  listRuns(limit: number): Promise<RunRecord[]>;
  /** When the last run that trained started (0 when none has). */
  lastTrainedAt(): Promise<number>;
  countFeedbackSince(since: number): Promise<number>;
}

export function createRunStore(db: Database): RunStore {
  return {
    async record(id, trigger, startedAt, result) {
      await db.insert(trainingRuns).values({
        id,
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

    async start(id, trigger, startedAt) {
      await db.insert(trainingRuns).values({ id, trigger, status: "running", startedAt });
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

    async closeAbandoned(before, reason) {
      const closed = await db
        .update(trainingRuns)
        .set({ status: "failed", reason, finishedAt: Date.now() })
        .where(and(eq(trainingRuns.status, "running"), lt(trainingRuns.startedAt, before)))
        .returning({ id: trainingRuns.id });
      return closed.length;
    },

    async listRuns(limit) {
      return db.select().from(trainingRuns).orderBy(desc(trainingRuns.startedAt)).limit(limit);
    },

    async lastTrainedAt() {
      const rows = await db
        .select({ startedAt: trainingRuns.startedAt })
        .from(trainingRuns)
        .where(inArray(trainingRuns.status, ["promoted", "rejected"]))
        .orderBy(desc(trainingRuns.startedAt))
        .limit(1);
      return rows[0]?.startedAt ?? 0;
    },

    async countFeedbackSince(since) {
      const rows = await db.select({ n: count() }).from(feedback).where(gt(feedback.receivedAt, since));
      return rows[0]?.n ?? 0;
    },
  };
}
