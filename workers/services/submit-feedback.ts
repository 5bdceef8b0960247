// Flow 5 intake (API, dashboard and webhooks alike): resolve rows by index or client id,
// refuse unknown batches and rows, and queue the labels. The consumer writes them to D1.
import { ApiError } from "../contract/errors.ts";
import type { FeedbackEvent } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";

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
  const rows = await resolveRows(adapters, batchId, input);
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
async function resolveRows(adapters: Adapters, batchId: string, input: FeedbackInput): Promise<number[]> {
  const keys: (string | number)[] = input.rows ?? input.ids ?? [];
  const found = await adapters.batches.resolveRows(batchId, input.rows ? "row" : "id", keys);
  const missing = keys.filter((k) => !found.has(k));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(", ") + (missing.length > 5 ? ", …" : "");
    throw new ApiError(
      "UNKNOWN_ROWS",
      `Batch ${batchId} has no scored row ${shown}; feedback needs rows that were predicted.`,
    );
  }
  return keys.map((k) => found.get(k) as number);
}
