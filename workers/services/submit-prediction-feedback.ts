// Labels for predictions made by POST /v1/predict, named by predictionId ("<batch id>.<row>").
// Every id is checked in one query against what the tenant's predict calls recorded: an unknown
// id (or one not recorded yet: recording follows the answer by about a second) refuses the whole
// request before anything is queued. The labels then travel in as few messages as fit the queue.
import { ApiError } from "../contract/errors.ts";
import type { PredictionFeedbackEvent } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";

// ≈40 bytes a label in JSON: 2,000 labels stay far below the 128 KB queue message limit.
const LABELS_PER_MESSAGE = 2_000;

export interface PredictionFeedbackInput {
  predictionIds: string[];
  labels: (0 | 1)[];
  source: PredictionFeedbackEvent["source"];
  labelledAt: number;
}

export async function submitPredictionFeedback(
  adapters: Adapters,
  tenantId: string,
  input: PredictionFeedbackInput,
): Promise<number> {
  const { predictionIds, labels } = input;
  if (predictionIds.length !== labels.length) {
    throw new ApiError(
      "INVALID_REQUEST",
      `${predictionIds.length} predictionIds but ${labels.length} labels; give one label per prediction.`,
    );
  }
  if (new Set(predictionIds).size !== predictionIds.length) {
    throw new ApiError("INVALID_REQUEST", "A prediction appears twice in one feedback request.");
  }
  const pairs = predictionIds.map(parsePredictionId);
  const scored = await adapters.feedback.findScored(tenantId, pairs);
  const missing = predictionIds.filter((id) => !scored.has(id));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(", ") + (missing.length > 5 ? ", …" : "");
    throw new ApiError(
      "UNKNOWN_ROWS",
      `No recorded prediction ${shown}: use ids from a /v1/predict answer of this tenant (made with "log" on); a prediction is recorded about a second after its answer.`,
    );
  }
  const entries = pairs.map((pair, i) => ({ ...pair, label: labels[i] }));
  for (let i = 0; i < entries.length; i += LABELS_PER_MESSAGE) {
    await adapters.queues.sendFeedback({
      kind: "prediction-feedback",
      tenantId,
      entries: entries.slice(i, i + LABELS_PER_MESSAGE),
      source: input.source,
      labelledAt: input.labelledAt,
    });
  }
  return entries.length;
}

/** "<batch id>.<row>" (the contract's PredictionId pattern has been checked). */
export function parsePredictionId(id: string): { batchId: string; row: number } {
  const dot = id.lastIndexOf(".");
  return { batchId: id.slice(0, dot), row: Number(id.slice(dot + 1)) };
}

export const predictionIdOf = (batchId: string, row: number) => `${batchId}.${row}`;
