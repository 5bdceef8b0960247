// Flow 2 for one queue message: score a chunk with the champion and record it idempotently.
// Returns what happened so the consumer can ack; throws only for transient failures (retry).
import type { ScoreJob } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";
import type { ScoredRow } from "../adapters/batch-store.ts";
import { scoreRows } from "../../model/index.ts";
import { loadChampion } from "./serving-model.ts";
import { PermanentError } from "./permanent-error.ts";
import { publishResult } from "./publish-result.ts";

export type ChunkOutcome = "scored" | "completed" | "skipped";

export async function scoreChunk(adapters: Adapters, job: ScoreJob): Promise<ChunkOutcome> {
  const batch = await adapters.batches.getBatch(job.batchId);
  if (!batch || batch.tenantId !== job.tenantId) {
    console.warn(`score job for unknown batch ${job.batchId}: dropped`);
    return "skipped";
  }
  if (batch.status === "failed") return "skipped";
  if (batch.status === "complete") {
    // A redelivery after completion: re-publishing is idempotent and repairs a lost KV write.
    await publishResult(adapters, batch);
    return "skipped";
  }
  const model = await loadChampion(adapters.models, job.tenantId);
  if (!model) throw new PermanentError("the tenant has no model to score with");
  const d = model.compiled.featureNames.length;
  if (job.features.some((row) => row.length !== d)) {
    await adapters.batches.markFailed(batch.id, `The active model ${model.version} expects ${d} features per row.`);
    return "skipped";
  }
  const { margins, labels } = scoreRows(model.compiled, job.features);
  const rows: ScoredRow[] = job.features.map((features, i) => ({
    row: job.offset + i,
    clientId: job.ids?.[i] ?? null,
    features,
    label: labels[i] === 1 ? 1 : 0,
    margin: margins[i],
    modelVersion: model.version,
  }));
  const updated = await adapters.batches.recordChunk(batch.id, job.chunk, rows);
  if (updated?.status === "complete") {
    await publishResult(adapters, updated);
    return "completed";
  }
  return "scored";
}
