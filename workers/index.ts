// The Worker: one deploy serving the /v1 API (the dashboard's static assets are served by
// the platform before this runs), consuming its queues, and retraining on a schedule.
// This module only composes; the work lives in http/, consumers/, jobs/ and services/.
import { createApp } from "./http/app.ts";
import { handleQueue } from "./consumers/handle-queue.ts";
import { handleScheduled } from "./jobs/handle-scheduled.ts";
import { meterInvocation } from "./adapters/meter/index.ts";

export { BatchTracker } from "./durable/batch-tracker.ts";
export { PredictionLog } from "./durable/prediction-log.ts";
export { RetrainWorkflow } from "./workflows/retrain-workflow.ts";

const app = createApp();

export default {
  // meterInvocation returns env itself unless the var METER is "on" (npm run bench:scale).
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => app.fetch(request, meterInvocation("fetch", env), ctx),
  async queue(batch, env, _ctx) {
    await handleQueue(batch, meterInvocation("queue", env, batch));
  },
  async scheduled(controller, env, _ctx) {
    await handleScheduled(controller, meterInvocation("scheduled", env));
  },
} satisfies ExportedHandler<Env>;
