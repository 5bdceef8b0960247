// A tenant's retrain as a Cloudflare Workflow: the steps of services/retrain/run-retrain.ts, each a
// `step.do` whose JSON result is checkpointed, so a crash, an eviction or a redeploy mid-run resumes
// after the last finished step (a Newton pass resumes at the slice of shards it stopped in). A
// step that fails for good (PermanentError) is not retried; the run then records its failure.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { createAdapters } from "../adapters/index.ts";
import type { RetrainParams } from "../adapters/retrain-runner.ts";
import { isPermanent } from "../services/permanent-error.ts";
import type { RetrainOutcome } from "../services/retrain/run-config.ts";
import { runRetrain, type StepRunner } from "../services/retrain/run-retrain.ts";

/** A step is a bounded piece (≤ 200,000 rows); three quick retries cover a lost connection or an eviction. */
const STEP: WorkflowStepConfig = {
  retries: { limit: 3, delay: "2 seconds", backoff: "exponential" },
  timeout: "5 minutes",
};

export class RetrainWorkflow extends WorkflowEntrypoint<Env, RetrainParams> {
  override async run(event: Readonly<WorkflowEvent<RetrainParams>>, step: WorkflowStep): Promise<RetrainOutcome> {
    const adapters = createAdapters(this.env);
    const runner: StepRunner = (name, work) =>
      step.do(name, STEP, async () => {
        try {
          return (await work()) as Rpc.Serializable<never>;
        } catch (error) {
          throw isPermanent(error) ? new NonRetryableError((error as Error).message) : error;
        }
      }) as never;
    const request = { ...event.payload, runId: event.instanceId, startedAt: event.timestamp.getTime() };
    return runRetrain(adapters, this.env, request, runner);
  }
}
