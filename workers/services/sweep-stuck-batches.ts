// Nothing stays pending forever. A batch whose chunks were never queued (the isolate died
// between recording the batch and sending its messages, or the clean-up after a failed send
// failed too) would otherwise hold its Idempotency-Key for good. The cron sweeps batches pending
// longer than STUCK_BATCH_SECONDS: one whose every row is stored is completed and published
// (re-driven); any other is failed with the reason and its key released, so the client's retry
// with the same key starts over. Rows live only in queue messages until scored, so a batch
// whose messages were lost cannot be re-scored here (the claim-check design stores them in R2).
import type { Adapters } from "../adapters/index.ts";
import { publishResult } from "./publish-result.ts";

const PER_RUN = 200;

export interface SweepOutcome {
  completed: number;
  failed: number;
}

export async function sweepStuckBatches(
  adapters: Adapters,
  stuckSeconds: number,
  now = Date.now(),
): Promise<SweepOutcome> {
  const outcome: SweepOutcome = { completed: 0, failed: 0 };
  const stuck = await adapters.batches.listStuck(now - stuckSeconds * 1000, PER_RUN);
  for (const batch of stuck) {
    if ((await adapters.batches.countScored(batch.id)) >= batch.rows) {
      const completed = await adapters.batches.markComplete(batch.id);
      if (completed?.status === "complete") await publishResult(adapters, completed);
      outcome.completed++;
      continue;
    }
    await adapters.batches.markFailed(
      batch.id,
      `Not scored within ${stuckSeconds} s: its rows were never queued or were lost. Submit it again; its Idempotency-Key is released.`,
      true,
    );
    outcome.failed++;
  }
  return outcome;
}
