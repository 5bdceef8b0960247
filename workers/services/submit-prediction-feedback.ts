// Labels for predictions made by POST /v1/predict, named by predictionId ("<batch id>.<row>").
// The tenant's prediction log (durable/prediction-log.ts) says where each call's rows were stored:
// row r of call B is row offset + r of segment S, a finished batch of the tenant. Only the
// caller's tenant's log is asked, so another tenant's ids never resolve; the segment rows are then
// checked in one D1 query. An unknown id (or one not stored yet: the log flushes about a second
// after the answer) refuses the whole request before anything is queued. The labels travel as
// segment rows, so the consumer, the label index, rollups and training see ordinary batch rows.
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
  const asked = predictionIds.map(parsePredictionId);
  const refs = await adapters.predictionLog.resolve(
    tenantId,
    asked.map((p) => p.batchId),
  );
  const pairs = asked.map(({ batchId, row }) => {
    const ref = refs.get(batchId);
    return ref && row < ref.rows ? { batchId: ref.segment, row: ref.offset + row } : null;
  });
  const stored = pairs.filter((pair) => pair !== null);
  const scored = await (stored.length > 0 ? adapters.feedback.findScored(tenantId, stored) : new Set<string>());
  const missing = predictionIds.filter((_, i) => {
    const pair = pairs[i];
    return !pair || !scored.has(predictionIdOf(pair.batchId, pair.row));
  });
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(", ") + (missing.length > 5 ? ", …" : "");
    throw new ApiError(
      "UNKNOWN_ROWS",
      `No recorded prediction ${shown}: use ids from a /v1/predict answer of this tenant (made with "log" on); a prediction is recorded about a second after its answer.`,
    );
  }
  const entries = pairs.flatMap((pair, i) => (pair ? [{ ...pair, label: labels[i] }] : []));
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
