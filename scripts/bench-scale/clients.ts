// The clients: each submits gzip batches, polls each to completion and checks that every row
// came back exactly once, until the rows reach the target or the time is up. They share one
// Progress, which the run reads for its throughput and latencies.
import { sleep } from "./server.ts";
import { ROWS_PER_BATCH, TARGET_ROWS } from "./settings.ts";

export interface Progress {
  started: number;
  stopAt: number;
  drainUntil: number;
  inFlight: number;
  completedRows: number;
  completedBatches: number;
  lastCompletion: number;
  polls: number;
  latenciesMs: number[];
  postMs: number[];
}

export async function submit(url: string, key: string, body: Uint8Array): Promise<string> {
  const response = await fetch(`${url}/v1/batches`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-encoding": "gzip" },
    body,
  });
  if (response.status !== 202)
    throw new Error(`POST /v1/batches answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { batchId: string }).batchId;
}

/** Polls until complete (every 20–50 ms); then every row 0..9999 must be there exactly once. */
export async function awaitComplete(
  url: string,
  key: string,
  batchId: string,
  progress: Progress | null,
): Promise<void> {
  for (;;) {
    await sleep(20 + Math.random() * 30);
    if (progress) progress.polls += 1;
    const response = await fetch(`${url}/v1/batches/${batchId}`, { headers: { authorization: `Bearer ${key}` } });
    if (!response.ok)
      throw new Error(`GET /v1/batches/${batchId} answered ${response.status}: ${await response.text()}`);
    const result = (await response.json()) as { status: string; error?: unknown; predictions?: { row: number }[] };
    if (result.status === "failed") throw new Error(`batch ${batchId} failed: ${JSON.stringify(result.error)}`);
    if (result.status === "complete") return checkRows(batchId, result.predictions ?? []);
    if (progress && performance.now() > progress.drainUntil)
      throw new Error(`batch ${batchId} still ${result.status} at the drain deadline`);
  }
}

function checkRows(batchId: string, predictions: { row: number }[]): void {
  const seen = new Uint8Array(ROWS_PER_BATCH);
  for (const { row } of predictions) {
    if (!Number.isInteger(row) || row < 0 || row >= ROWS_PER_BATCH || seen[row] === 1) {
      throw new Error(`batch ${batchId}: row ${row} is out of range or repeated`);
    }
    seen[row] = 1;
  }
  if (predictions.length !== ROWS_PER_BATCH)
    throw new Error(`batch ${batchId}: ${predictions.length} predictions, expected ${ROWS_PER_BATCH}`);
}

export async function runClient(
  url: string,
  key: string,
  bodies: Uint8Array[],
  client: number,
  progress: Progress,
): Promise<void> {
  for (let n = 0; ; n++) {
    // No new batch once the rows under way reach the target, or after the time limit.
    const now = performance.now();
    if (progress.completedRows + progress.inFlight * ROWS_PER_BATCH >= TARGET_ROWS || now >= progress.stopAt) return;
    progress.inFlight += 1;
    try {
      const batchId = await submit(url, key, bodies[(client + n) % bodies.length]);
      progress.postMs.push(performance.now() - now);
      await awaitComplete(url, key, batchId, progress);
    } finally {
      progress.inFlight -= 1;
    }
    progress.completedRows += ROWS_PER_BATCH;
    progress.completedBatches += 1;
    progress.lastCompletion = performance.now();
    progress.latenciesMs.push(progress.lastCompletion - now);
  }
}
