// A tenant's retrain run in this invocation, its steps back to back (services/retrain/): for the
// tests, the benchmark and the inline path. Production runs the same steps in a Cloudflare
// Workflow (workflows/retrain-workflow.ts), which checkpoints each one.
import type { Adapters } from "../adapters/index.ts";
import { newId } from "../codecs/ids.ts";
import type { RetrainConfig, RetrainOutcome, RetrainRequest } from "./retrain/run-config.ts";
import { runInline, runRetrain, type RunClock } from "./retrain/run-retrain.ts";

export { RETRAIN_LEASE_MS } from "./retrain/run-config.ts";
export type { RetrainConfig, RetrainOutcome, RetrainRequest } from "./retrain/run-config.ts";

export function retrainModel(
  adapters: Adapters,
  config: RetrainConfig,
  request: RetrainRequest,
  clock: RunClock = {},
): Promise<RetrainOutcome> {
  const startedAt = request.now ?? Date.now();
  return runRetrain(adapters, config, { ...request, runId: newId("run"), startedAt }, runInline, clock);
}
