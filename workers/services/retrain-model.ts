// Flow 6: one run at a time (a D1 lease), skipped when there is too little new feedback
// unless forced, every run recorded in training_runs with its decision and duration.
import { desc, gt, inArray, sql } from "drizzle-orm";
import { feedback, trainingRuns } from "../db/schema.ts";
import { newId } from "../codecs/ids.ts";
import type { Adapters } from "../adapters/index.ts";

export interface RetrainRequest {
  trigger: "cron" | "api";
  force: boolean;
  now?: number;
}

export interface RetrainOutcome {
  runId: string | null;
  status: "skipped" | "promoted" | "rejected" | "failed" | "busy";
  reason?: string;
}

const LOCK_TTL_MS = 10 * 60 * 1000;

export async function retrainModel(
  adapters: Adapters,
  config: Pick<Env, "RETRAIN_MIN_FEEDBACK">,
  request: RetrainRequest,
): Promise<RetrainOutcome> {
  const holder = newId("run");
  const now = request.now ?? Date.now();
  if (!(await adapters.locks.acquire("retrain", holder, LOCK_TTL_MS, now))) {
    return { runId: null, status: "busy", reason: "another retraining run is in progress" };
  }
  const started = Date.now();
  try {
    const since = await lastTrainedAt(adapters);
    const fresh = await countFeedbackSince(adapters, since);
    const needed = Number(config.RETRAIN_MIN_FEEDBACK);
    if (!request.force && fresh < needed) {
      const reason = `${fresh} new labels since the last run; ${needed} needed`;
      await recordRun(adapters, holder, request.trigger, "skipped", reason, started, { newFeedback: fresh });
      return { runId: holder, status: "skipped", reason };
    }
    const reason = "training is not available yet";
    await recordRun(adapters, holder, request.trigger, "failed", reason, started, { newFeedback: fresh });
    return { runId: holder, status: "failed", reason };
  } finally {
    await adapters.locks.release("retrain", holder);
  }
}

async function lastTrainedAt(adapters: Adapters): Promise<number> {
  const rows = await adapters.db
    .select({ startedAt: trainingRuns.startedAt })
    .from(trainingRuns)
    .where(inArray(trainingRuns.status, ["promoted", "rejected"]))
    .orderBy(desc(trainingRuns.startedAt))
    .limit(1);
  return rows[0]?.startedAt ?? 0;
}

async function countFeedbackSince(adapters: Adapters, since: number): Promise<number> {
  const rows = await adapters.db
    .select({ n: sql<number>`count(*)` })
    .from(feedback)
    .where(gt(feedback.receivedAt, since));
  return rows[0]?.n ?? 0;
}

async function recordRun(
  adapters: Adapters,
  id: string,
  trigger: RetrainRequest["trigger"],
  status: "skipped" | "promoted" | "rejected" | "failed",
  reason: string,
  startedAt: number,
  details: Record<string, unknown>,
): Promise<void> {
  await adapters.db.insert(trainingRuns).values({
    id,
    trigger,
    status,
    reason,
    details: JSON.stringify(details),
    startedAt,
    finishedAt: Date.now(),
  });
}
