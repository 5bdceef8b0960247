// The in-memory twin of run-store.ts. Two of the real store's questions are about labels, which
// live in the feedback table; the twin reads them from `labels`, a view the caller supplies
// (a feedback twin, or a plain array in a test), so it does not own feedback itself.
import type { feedback } from "../../db/schema.ts";
import type { RunRecord, RunResult, RunStore } from "../run-store.ts";

/** What the run store needs to know of a label: whose it is and when it arrived. */
export type LabelReceipt = Pick<typeof feedback.$inferSelect, "tenantId" | "receivedAt">;

/** Runs that trained: only these move a tenant's "last trained" time. */
const TRAINED: readonly RunRecord["status"][] = ["promoted", "rejected"];

/** SQLite's LIMIT: a negative limit is no limit. */
const limited = <T>(items: T[], limit: number) => (limit < 0 ? items : items.slice(0, limit));

export function createMemoryRunStore(labels: () => Iterable<LabelReceipt> = () => []): RunStore {
  const runs = new Map<string, RunRecord>();

  function insert(run: RunRecord) {
    // The id is the primary key: a second run with the same id is refused, as D1 refuses it.
    if (runs.has(run.id)) throw new Error(`UNIQUE constraint failed: training_runs.id (${run.id})`);
    runs.set(run.id, run);
  }

  const outcome = (result: RunResult) => ({
    status: result.status,
    reason: result.reason,
    details: JSON.stringify(result.details),
    championVersion: result.championVersion ?? null,
    challengerVersion: result.challengerVersion ?? null,
  });

  // The latest start of a run that trained, or 0 when none has (a start before 1970 stays negative, as in SQL).
  const lastTrainedAt = (tenantId: string) => {
    const trained = [...runs.values()].filter((r) => r.tenantId === tenantId && TRAINED.includes(r.status));
    return trained.length === 0 ? 0 : Math.max(...trained.map((r) => r.startedAt));
  };

  return {
    async record(tenantId, id, trigger, startedAt, result) {
      insert({ id, tenantId, trigger, startedAt, finishedAt: Date.now(), ...outcome(result) });
    },

    async start(tenantId, id, trigger, startedAt) {
      insert({
        id,
        tenantId,
        trigger,
        status: "running",
        startedAt,
        reason: null,
        details: null,
        championVersion: null,
        challengerVersion: null,
        finishedAt: null,
      });
    },

    async finish(id, result) {
      const run = runs.get(id);
      if (run) Object.assign(run, outcome(result), { finishedAt: Date.now() });
    },

    async closeAbandoned(tenantId, before, reason) {
      let closed = 0;
      for (const run of runs.values()) {
        if (run.tenantId !== tenantId || run.status !== "running" || run.startedAt >= before) continue;
        Object.assign(run, { status: "failed", reason, finishedAt: Date.now() });
        closed++;
      }
      return closed;
    },

    async listRuns(tenantId, limit) {
      const own = [...runs.values()].filter((r) => r.tenantId === tenantId);
      return limited(
        own.sort((a, b) => b.startedAt - a.startedAt),
        limit,
      ).map((r) => ({ ...r }));
    },

    async findRun(tenantId, id) {
      const run = runs.get(id);
      return run?.tenantId === tenantId ? { ...run } : null;
    },

    lastTrainedAt: async (tenantId) => lastTrainedAt(tenantId),

    async countFeedbackSince(tenantId, since) {
      let n = 0;
      for (const label of labels()) if (label.tenantId === tenantId && label.receivedAt > since) n++;
      return n;
    },

    async tenantsDueForRetraining(minFeedback, limit) {
      // Per tenant: how many labels arrived since its last run that trained, and the first of them.
      const fresh = new Map<string, { count: number; first: number }>();
      const trained = new Map<string, number>();
      for (const { tenantId, receivedAt } of labels()) {
        if (!trained.has(tenantId)) trained.set(tenantId, lastTrainedAt(tenantId));
        if (receivedAt <= (trained.get(tenantId) ?? 0)) continue;
        const seen = fresh.get(tenantId) ?? { count: 0, first: receivedAt };
        fresh.set(tenantId, { count: seen.count + 1, first: Math.min(seen.first, receivedAt) });
      }
      const due = [...fresh].filter(([, f]) => f.count >= minFeedback).sort(([, a], [, b]) => a.first - b.first);
      return limited(due, limit).map(([tenantId]) => tenantId);
    },
  };
}
