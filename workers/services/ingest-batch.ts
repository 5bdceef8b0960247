// Flow 1 after the body is decoded: validate against the serving model's feature schema,
// honour the idempotency key, record the batch, write its rows to R2 as binary columns (so a
// 202 means the rows are durable) and enqueue claim checks for its chunks. Nothing partial: if
// writing or enqueueing fails the batch is failed, its idempotency key released, and the client
// gets a 503 it can retry with the same key. A batch whose messages are lost after the 202 is
// re-queued from R2 by the cron (sweep-stuck-batches.ts).
import type { BatchAccepted } from "../contract/api.ts";
import type { ScoreJob } from "../contract/messages.ts";
import { ApiError } from "../contract/errors.ts";
import { LIMITS } from "../contract/limits.ts";
import { checkCallbackUrl } from "../codecs/callback-url.ts";
import { newId } from "../codecs/ids.ts";
import type { Adapters } from "../adapters/index.ts";
import type { Principal } from "../adapters/key-store.ts";
import { loadChampion, noModel } from "./serving-model.ts";
import { batchColumns, parseBatchEnvelope, parseBatchRequest } from "./parse-batch.ts";
import { checkFeatureColumns, checkIds } from "./check-feature-rows.ts";
import { decodeArrowBatch } from "../codecs/arrow-batch.ts";

export interface IngestInput {
  /** The decoded JSON value, or the bytes of an Arrow IPC stream (with its callbackUrl from the query). */
  body: { kind: "json"; value: unknown } | { kind: "arrow"; bytes: Uint8Array; callbackUrl?: string };
  bodyHash: string;
  idempotencyKey: string | null;
  source: "api" | "dashboard";
}

/** A batch's rows as the row store keeps them: column-major features in the model's order. */
interface BatchRows {
  rows: number;
  features: Float64Array;
  ids: string[] | null;
  callbackUrl?: string;
}

export async function ingestBatch(
  adapters: Adapters,
  principal: Principal,
  input: IngestInput,
): Promise<{ replayed: boolean; accepted: BatchAccepted }> {
  const json = input.body.kind === "json" ? parseJsonEnvelope(input.body.value) : null;
  const callbackUrl = json ? json.callbackUrl : input.body.kind === "arrow" ? input.body.callbackUrl : undefined;
  if (callbackUrl !== undefined) {
    const verdict = checkCallbackUrl(callbackUrl, LIMITS.maxCallbackUrlLength);
    if (!verdict.ok) throw new ApiError("INVALID_CALLBACK_URL", `callbackUrl is refused: ${verdict.rule}.`);
  }
  const model = await loadChampion(adapters.models, principal.tenantId);
  if (!model) {
    // Malformed rows are refused as such even where no model could score them.
    if (input.body.kind === "json") parseBatchRequest(input.body.value);
    throw noModel();
  }
  const names = model.artifact.featureNames;
  let batchRows: BatchRows;
  if (json && input.body.kind === "json") {
    // One pass over the rows: checked against the model and written as columns together.
    const { rows, features } = batchColumns(input.body.value, names, model.version);
    if (json.ids) checkIds(json.ids, rows);
    batchRows = { rows, features, ids: json.ids ?? null };
  } else if (input.body.kind === "arrow") {
    const arrow = decodeArrowBatch(input.body.bytes, names, {
      maxRows: LIMITS.maxBatchRows,
      maxIdLength: LIMITS.maxIdLength,
    });
    checkFeatureColumns(arrow, names, model.version);
    batchRows = arrow;
  } else {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "The body must be JSON or an Arrow IPC stream.");
  }

  const { rows } = batchRows;
  const d = names.length;
  const chunks = planChunks(rows, d);
  const created = await adapters.batches.createBatch({
    id: newId("bat"),
    tenantId: principal.tenantId,
    rows,
    chunks: chunks.length,
    featureCount: d,
    idempotencyKey: input.idempotencyKey,
    bodyHash: input.bodyHash,
    callbackUrl: callbackUrl ?? null,
    source: input.source,
  });
  const batch = created.batch;
  if (!created.created) {
    if (batch.bodyHash !== input.bodyHash) {
      throw new ApiError("IDEMPOTENCY_CONFLICT", "This Idempotency-Key was already used with a different body.");
    }
    return { replayed: true, accepted: toAccepted(batch.id, batch.status, batch.rows) };
  }

  try {
    await adapters.rows.putInput(principal.tenantId, batch.id, {
      rows,
      offset: 0,
      featureCount: d,
      features: batchRows.features,
      ids: batchRows.ids,
      margins: null,
      labels: null,
      modelVersion: null,
    });
  } catch (error) {
    console.error(`storing the rows of batch ${batch.id} failed:`, error);
    await adapters.batches.markFailed(batch.id, "The batch's rows could not be stored.", true);
    throw new ApiError("STORAGE_UNAVAILABLE", "The batch could not be stored; retry with the same Idempotency-Key.");
  }
  try {
    await adapters.queues.sendScoreJobs(scoreJobsOf(batch));
  } catch (error) {
    console.error(`enqueueing batch ${batch.id} failed:`, error);
    await adapters.batches.markFailed(batch.id, "The batch could not be queued for scoring.", true);
    throw new ApiError("ENQUEUE_FAILED", "The batch could not be queued; retry with the same Idempotency-Key.");
  }
  return { replayed: false, accepted: toAccepted(batch.id, "pending", rows) };
}

/** Row ranges of at most LIMITS.maxChunkCells cells each, as even as possible. */
export function planChunks(rows: number, d: number): { offset: number; rows: number }[] {
  const count = Math.min(rows, Math.max(1, Math.ceil((rows * d) / LIMITS.maxChunkCells)));
  return Array.from({ length: count }, (_, k) => chunkRange(rows, count, k));
}

/** The claim checks of a batch's chunks: what ingest sends and the re-drive sends again. */
export function scoreJobsOf(batch: { id: string; tenantId: string; rows: number; chunks: number }): ScoreJob[] {
  return Array.from({ length: batch.chunks }, (_, chunk) => ({
    kind: "score" as const,
    tenantId: batch.tenantId,
    batchId: batch.id,
    chunk,
    chunks: batch.chunks,
    ...chunkRange(batch.rows, batch.chunks, chunk),
  }));
}

/** Chunk k of a batch cut into `chunks` runs. */
export function chunkRange(rows: number, chunks: number, k: number): { offset: number; rows: number } {
  const offset = Math.floor((k * rows) / chunks);
  return { offset, rows: Math.floor(((k + 1) * rows) / chunks) - offset };
}

/** The JSON envelope (ids, callbackUrl) by zod, after the row count; the rows wait for the model. */
function parseJsonEnvelope(value: unknown) {
  const features = (value as { features?: unknown } | null)?.features;
  if (Array.isArray(features) && features.length > LIMITS.maxBatchRows) {
    throw new ApiError(
      "BATCH_TOO_LARGE",
      `A batch holds at most ${LIMITS.maxBatchRows} rows; this one has ${features.length}.`,
    );
  }
  return parseBatchEnvelope(value);
}

function toAccepted(batchId: string, status: BatchAccepted["status"], rows: number): BatchAccepted {
  return { batchId, status, rows, statusUrl: `/v1/batches/${batchId}` };
}
