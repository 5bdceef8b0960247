// The cron entry: housekeeping, and retraining fanned out as one queued job per tenant with
// enough new feedback (flow 6; a tenant's admin can also retrain on demand through the API). Each part runs on its own, so a failing sweep never stops a retrain or the reverse.
import { createAdapters } from "../adapters/index.ts";
import { TOLERANCE_SECONDS } from "../codecs/standard-webhooks.ts";
import { fanOutRetraining } from "../services/fan-out-retraining.ts";
import { purgeExpiredBatches } from "../services/delete-batch.ts";
import { sweepStuckBatches } from "../services/sweep-stuck-batches.ts";

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const adapters = createAdapters(env);
  const now = controller.scheduledTime;
  const parts: [string, () => Promise<string>][] = [
    [
      "sweep",
      async () => {
        const swept = await sweepStuckBatches(adapters, Number(env.STUCK_BATCH_SECONDS), now);
        return `${swept.redriven} stuck batches re-queued from R2, ${swept.failed} failed`;
      },
    ],
    ["webhook ids", async () => `${await adapters.webhookIds.prune(now - 2 * TOLERANCE_SECONDS * 1000)} pruned`],
    [
      "retention",
      async () => `${await purgeExpiredBatches(adapters, Number(env.RETENTION_DAYS), now)} batches deleted`,
    ],
    ["retraining", async () => `${await fanOutRetraining(adapters, env, now)} tenant jobs queued`],
  ];
  const results = await Promise.allSettled(parts.map(([, run]) => run()));
  results.forEach((result, i) => {
    const name = parts[i][0];
    if (result.status === "fulfilled") console.log(`cron (${controller.cron}) ${name}: ${result.value}`);
    else console.error(`cron (${controller.cron}) ${name} failed:`, result.reason);
  });
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}
