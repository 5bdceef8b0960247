// Nothing stays pending forever, and nothing accepted is lost. A batch's rows are in R2 from the
// moment it was accepted, so a batch still pending after STUCK_BATCH_SECONDS (its messages were
// lost — a crash between recording and enqueueing, a local queue that died with its process —
// or are still failing) has its chunks re-queued from R2, up to MAX_REDRIVES times: scoring is
// idempotent and the batch's Durable Object counts each chunk once, so a chunk that was only
// slow is not counted twice. After that, or when its rows are not in R2, it is failed with the
// reason and its Idempotency-Key released, so the client's retry with the same key starts over.
import type { Adapters } from "../adapters/index.ts";
import { scoreJobsOf } from "./ingest-batch.ts";

const PER_RUN = 200;
export const MAX_REDRIVES = 3;

export interface SweepOutcome {
  redriven: number;
  failed: number;
}

export async function sweepStuckBatches(
  adapters: Adapters,
  stuckSeconds: number,
  now = Date.now(),
): Promise<SweepOutcome> {
  const outcome: SweepOutcome = { redriven: 0, failed: 0 };
  const stuck = await adapters.batches.listStuck(now - stuckSeconds * 1000, PER_RUN);
  for (const batch of stuck) {
    const input = batch.redrives < MAX_REDRIVES ? await adapters.rows.getInput(batch.tenantId, batch.id) : null;
    if (input) {
      await adapters.queues.sendScoreJobs(scoreJobsOf(batch));
      await adapters.batches.markRedriven(batch.id);
      outcome.redriven++;
      continue;
    }
    await adapters.batches.markFailed(
      batch.id,
      `Not scored within ${stuckSeconds} s${batch.redrives > 0 ? ` after ${batch.redrives} re-tries` : ""}. Submit it again; its Idempotency-Key is released.`,
      true,
    );
    outcome.failed++;
  }
  return outcome;
}
