// A retrain asked for through the API: it starts the tenant's retrain Workflow and waits for the
// outcome a short while, so a small tenant gets its answer in the response; a larger run answers
// "running" with its id, and its record (GET /v1/metrics, the dashboard) shows how it ended.
import type { Adapters } from "../adapters/index.ts";
import { newId } from "../codecs/ids.ts";
import type { RetrainOutcome } from "./retrain/run-config.ts";

/** How long the API waits for a run before answering "running" (requests may run far longer; users should not wait). */
export const RETRAIN_WAIT_MS = 20_000;
const POLL_MS = 100;

export type StartedRetrain = RetrainOutcome | { runId: string; status: "running" };

export async function startRetrain(
  adapters: Adapters,
  tenantId: string,
  force: boolean,
  waitMs = RETRAIN_WAIT_MS,
): Promise<StartedRetrain> {
  const runId = newId("run");
  await adapters.retrains.start(runId, { tenantId, trigger: "api", force });
  const deadline = Date.now() + waitMs;
  for (;;) {
    const progress = await adapters.retrains.progress(runId);
    if (progress.state === "finished") return progress.outcome;
    if (progress.state === "errored") {
      return { runId, status: "failed", reason: `the retrain workflow stopped: ${progress.error}` };
    }
    if (Date.now() >= deadline) return { runId, status: "running" };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
