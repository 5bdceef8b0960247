// Flow 5 intake (API, dashboard and webhooks alike): resolve rows by index or client id,
// refuse unknown batches and rows, and queue the labels. The consumer writes them to D1.
import { ApiError } from "../contract/errors.ts";
import type { FeedbackEvent } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";
import type { BatchRecord } from "../adapters/batch-store.ts";
import { readScoredRows } from "./scored-rows.ts";

export interface FeedbackInput {
  rows?: number[];
  ids?: string[];
  labels: (0 | 1)[];
  source: FeedbackEvent["source"];
  labelledAt: number;
}

export async function submitFeedback(
  adapters: Adapters,
  tenantId: string,
  batchId: string,
  input: FeedbackInput,
): Promise<number> {
  const batch = await adapters.batches.findBatch(tenantId, batchId);
  if (!batch) throw new ApiError("NOT_FOUND", `No batch ${batchId}.`);
  const keys = input.rows ?? input.ids ?? [];
  if (keys.length !== input.labels.length) {
    throw new ApiError(
      "INVALID_REQUEST",
      `${keys.length} rows but ${input.labels.length} labels; give one label per row.`,
    );
  }
  if (new Set<string | number>(keys).size !== keys.length)
    throw new ApiError("INVALID_REQUEST", "A row appears twice in one feedback request.");
  const rows = await resolveRows(adapters, batch, input);
  await adapters.queues.sendFeedback({
    kind: "feedback",
    tenantId,
    batchId,
    rows,
    labels: input.labels,
    source: input.source,
    labelledAt: input.labelledAt,
  });
  return rows.length;
}

/** Row indexes for the request, or UNKNOWN_ROWS naming what the batch has not scored. */
async function resolveRows(adapters: Adapters, batch: BatchRecord, input: FeedbackInput): Promise<number[]> {
  const keys: (string | number)[] = input.rows ?? input.ids ?? [];
  const found = new Map<string | number, number>();
  if (batch.status === "complete") {
    if (input.rows) {
      for (const row of input.rows) if (row < batch.rows) found.set(row, row);
    } else {
      // Client ids are in the batch's rows in R2.
      const ids = (await readScoredRows(adapters, batch))?.ids ?? [];
      const wanted = new Set(keys);
      ids.forEach((id, row) => wanted.has(id) && found.set(id, row));
    }
  }
  const missing = keys.filter((k) => !found.has(k));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(", ") + (missing.length > 5 ? ", …" : "");
    throw new ApiError(
      "UNKNOWN_ROWS",
      `Batch ${batch.id} has no scored row ${shown}; feedback needs rows that were predicted.`,
    );
  }
  return keys.map((k) => found.get(k) as number);
}
