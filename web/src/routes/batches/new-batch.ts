// Submitting a new batch and watching it: the rows go out gzip-compressed (the client does
// that), then the batch is polled until every row is scored or it fails.
import type { BatchSummary } from "$contract/api.ts";
import type { Api, NewBatch } from "$lib/api.ts";

const FIRST_DELAY_MS = 150;
const MAX_DELAY_MS = 1000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), done()), { once: true });
  });

/** Submits `batch` and reports progress until it is complete or failed (or `signal` aborts). */
export async function submitAndWatch(
  api: Api,
  batch: NewBatch,
  onProgress: (summary: BatchSummary) => void,
  signal: AbortSignal,
): Promise<BatchSummary> {
  const accepted = await api.submitBatch(batch.features, { ids: batch.ids });
  let summary: BatchSummary = {
    batchId: accepted.batchId,
    status: accepted.status,
    rows: accepted.rows,
    done: 0,
    createdAt: new Date().toISOString(),
    completedAt: null,
    error: null,
  };
  onProgress(summary);
  // Small batches finish in well under a second; back off so a big one costs few requests.
  let delay = FIRST_DELAY_MS;
  while (summary.status === "pending" && !signal.aborted) {
    await sleep(delay, signal);
    if (signal.aborted) break;
    const { predictions: _predictions, ...latest } = await api.getBatch(accepted.batchId);
    summary = latest;
    onProgress(summary);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
  return summary;
}
