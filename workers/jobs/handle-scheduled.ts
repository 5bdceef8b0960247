// The cron entry: retraining (flow 6). The same job runs on demand through the API.
import { createAdapters } from "../adapters/index.ts";
import { retrainModel } from "../services/retrain-model.ts";

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const outcome = await retrainModel(createAdapters(env), env, {
    trigger: "cron",
    force: false,
    now: controller.scheduledTime,
  });
  console.log(`retrain (${controller.cron}): ${outcome.status}${outcome.reason ? ` — ${outcome.reason}` : ""}`);
}
