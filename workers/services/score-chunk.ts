// Flow 2 for one claim check: read the chunk's rows from R2, score them with the champion, write
// the scores to R2, and record the chunk in the batch's Durable Object. The chunk that completes
// the batch completes it in D1 (adding its counts to the rollups, once) and publishes the result.
// Every step is idempotent, so a redelivered message repeats them harmlessly: the scores object
// is rewritten with the same content, the ledger counts a chunk once, completion is conditional.
// Returns what happened so the consumer can ack; throws only for transient failures (retry).
import type { ScoreJob } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";
import { sliceRowFrame, type RowFrame } from "../codecs/row-frame.ts";
import { scoreColumns } from "../../model/index.ts";
import { loadChampion } from "./serving-model.ts";
import { PermanentError } from "./permanent-error.ts";
import { publishResult } from "./publish-result.ts";
import { batchDeltas, chunkStats } from "./rollup.ts";
import { readScoredRows, scoredView } from "./scored-rows.ts";

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
    await publishResult(adapters, batch, await readScoredRows(adapters, batch));
    return "skipped";
  }
  const input = await adapters.rows.getInput(batch.tenantId, batch.id);
  if (!input) throw new PermanentError("the batch's rows are not in storage");
  const model = await loadChampion(adapters.models, job.tenantId);
  if (!model) throw new PermanentError("the tenant has no model to score with");
  const d = model.compiled.featureNames.length;
  if (input.featureCount !== d) {
    await adapters.batches.markFailed(batch.id, `The active model ${model.version} expects ${d} features per row.`);
    return "skipped";
  }
  const part = job.chunks === 1 ? input : sliceRowFrame(input, job.offset, job.offset + job.rows);
  const { margins, labels } = scoreColumns(model.compiled, part.features, part.rows);
  const scores: RowFrame = {
    rows: part.rows,
    offset: part.offset,
    featureCount: 0,
    features: new Float64Array(0),
    ids: null,
    margins,
    labels,
    modelVersion: model.version,
  };
  await adapters.rows.putScores(batch.tenantId, batch.id, job.chunk, scores);
  const ledger = await adapters.ledger.record(
    batch.id,
    job.chunk,
    job.chunks,
    chunkStats(model, part.features, part.rows, labels, margins),
  );
  if (!ledger.complete || !ledger.stats) return "scored";

  const completedAt = Date.now();
  const completed = await adapters.batches.completeBatch(
    batch.id,
    completedAt,
    batchDeltas(batch.tenantId, ledger.stats, batch.createdAt, completedAt),
  );
  if (completed?.status !== "complete") return "skipped";
  // A one-chunk batch publishes from memory; a longer one reads its other chunks' scores.
  const scored = job.chunks === 1 ? scoredView([input], [scores]) : await readScoredRows(adapters, completed);
  await publishResult(adapters, completed, scored);
  return "completed";
}
