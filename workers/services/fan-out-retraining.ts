// Retraining fans out per tenant. The cron asks D1 once which tenants have enough new labels
// and queues one job each; each job is its own queue invocation (its own CPU budget, its own
// lease), so one tenant's size or failure never delays or blocks another's. Each job starts a
// Workflow (workflows/retrain-workflow.ts) that runs the retrain in checkpointed steps.
import type { RetrainJob } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";
import type { RetrainConfig } from "./retrain/run-config.ts";

/** Tenants per cron tick; the rest are found again on the next tick. */
const MAX_JOBS_PER_TICK = 500;

export async function fanOutRetraining(adapters: Adapters, config: RetrainConfig, now: number): Promise<number> {
  const due = await adapters.runs.tenantsDueForRetraining(Number(config.RETRAIN_MIN_FEEDBACK), MAX_JOBS_PER_TICK);
  await adapters.queues.sendRetrainJobs(due.map((tenantId) => ({ kind: "retrain", tenantId, requestedAt: now })));
  return due.length;
}

/** The run id of a job: the same job delivered twice names the same Workflow instance, so one run. */
export const runIdOfJob = (job: RetrainJob) =>
  `run_${job.requestedAt.toString(36)}_${job.tenantId.replace(/[^A-Za-z0-9_-]/g, "-")}`.slice(0, 100);

/**
 * One tenant's job starts its retrain Workflow and is done: the run takes as many steps as its
 * data needs, each checkpointed, and records its own outcome (a lease keeps one run per tenant).
 */
export async function startRetrainJob(adapters: Adapters, job: RetrainJob): Promise<void> {
  const started = await adapters.retrains.start(runIdOfJob(job), {
    tenantId: job.tenantId,
    trigger: "cron",
    force: false,
  });
  console.log(`retrain ${job.tenantId}: ${started ? "started" : "already started"} as ${runIdOfJob(job)}`);
}
