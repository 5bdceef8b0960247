// Retraining fans out per tenant. The cron asks D1 once which tenants have enough new labels
// and queues one job each; each job is its own queue invocation (its own CPU budget, its own
// lease), so one tenant's size or failure never delays or blocks another's.
import type { RetrainJob } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";
import { retrainModel, type RetrainConfig } from "./retrain-model.ts";

/** Tenants per cron tick; the rest are found again on the next tick. */
const MAX_JOBS_PER_TICK = 500;

export async function fanOutRetraining(adapters: Adapters, config: RetrainConfig, now: number): Promise<number> {
  const due = await adapters.runs.tenantsDueForRetraining(Number(config.RETRAIN_MIN_FEEDBACK), MAX_JOBS_PER_TICK);
  await adapters.queues.sendRetrainJobs(due.map((tenantId) => ({ kind: "retrain", tenantId, requestedAt: now })));
  return due.length;
}

/** One tenant's job. A failed run is recorded by the run itself; only a crash is retried. */
export async function runRetrainJob(adapters: Adapters, job: RetrainJob, config: RetrainConfig): Promise<void> {
  const outcome = await retrainModel(adapters, config, { tenantId: job.tenantId, trigger: "cron", force: false });
  console.log(`retrain ${job.tenantId}: ${outcome.status}${outcome.reason ? ` — ${outcome.reason}` : ""}`);
}
