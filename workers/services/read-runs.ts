// The tenant's training runs as the API shows them (GET /v1/runs, /v1/runs/{runId}): the run
// records as they are, a run still "running" without the tenant's retrain lease shown as expired.
// The challenger's hyperparameters are not copied here: they are its model's (GET /v1/models/{version}).
import type { RunList, TrainingRun } from "../contract/api.ts";
import type { Adapters } from "../adapters/index.ts";
import { toTrainingRun } from "./model-views.ts";

const leaseHolder = (adapters: Adapters, tenantId: string, now: number) =>
  adapters.locks.holder(`retrain:${tenantId}`, now);

export async function listRuns(
  adapters: Adapters,
  tenantId: string,
  limit: number,
  now = Date.now(),
): Promise<RunList> {
  const [runs, holder] = await Promise.all([
    adapters.runs.listRuns(tenantId, limit),
    leaseHolder(adapters, tenantId, now),
  ]);
  return { runs: runs.map((run) => toTrainingRun(run, holder)) };
}

/** One of the tenant's runs; null for an unknown id or another tenant's run. */
export async function findRun(
  adapters: Adapters,
  tenantId: string,
  runId: string,
  now = Date.now(),
): Promise<TrainingRun | null> {
  const [run, holder] = await Promise.all([
    adapters.runs.findRun(tenantId, runId),
    leaseHolder(adapters, tenantId, now),
  ]);
  return run && toTrainingRun(run, holder);
}
