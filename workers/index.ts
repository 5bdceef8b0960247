// The Worker: one deploy serving the /v1 API (the dashboard's static assets are served by
// the platform before this runs), consuming its queues, and retraining on a schedule.
// This module only composes; the work lives in http/, consumers/, jobs/ and services/.
import { createApp } from "./http/app.ts";
import { handleQueue } from "./consumers/handle-queue.ts";
import { handleScheduled } from "./jobs/handle-scheduled.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    await handleQueue(batch, env);
  },
  async scheduled(controller, env, _ctx) {
    await handleScheduled(controller, env);
  },
} satisfies ExportedHandler<Env>;
