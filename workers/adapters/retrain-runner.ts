// Retrain runs as Cloudflare Workflow instances (workflows/retrain-workflow.ts): one instance per
// run, its id the run's id, so a job delivered twice starts one run. The Workflow checkpoints each
// step's result, so a crash or a redeploy mid-run resumes after the last finished step.
import type { RetrainOutcome, RetrainRequest } from "../services/retrain/run-config.ts";

export type RetrainParams = Pick<RetrainRequest, "tenantId" | "trigger" | "force">;

export type RunProgress =
  { state: "running" } | { state: "finished"; outcome: RetrainOutcome } | { state: "errored"; error: string };

export interface RetrainRunner {
  /** Starts run `runId`; false when a run with that id exists already. */
  start(runId: string, params: RetrainParams): Promise<boolean>;
  progress(runId: string): Promise<RunProgress>;
}

export function createRetrainRunner(workflow: Workflow<RetrainParams>): RetrainRunner {
  return {
    async start(runId, params) {
      try {
        await workflow.create({ id: runId, params });
        return true;
      } catch (error) {
        if (/already exists|already_exists|duplicate/i.test((error as Error).message)) return false;
        throw error;
      }
    },
    async progress(runId) {
      const status = await (await workflow.get(runId)).status();
      if (status.status === "complete") return { state: "finished", outcome: status.output as RetrainOutcome };
      if (status.status === "errored" || status.status === "terminated") {
        return { state: "errored", error: status.error?.message ?? status.status };
      }
      return { state: "running" };
    },
  };
}
