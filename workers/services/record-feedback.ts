// The feedback consumer: writes an event's labels to D1 (see adapters/feedback-store.ts for why
// reordered or redelivered events cannot flip a label back). Labels for rows the tenant's
// batches did not score are dropped, never stored.
import type { FeedbackEvent, PredictionFeedbackEvent } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";

export async function recordFeedback(
  adapters: Adapters,
  event: FeedbackEvent | PredictionFeedbackEvent,
): Promise<void> {
  const entries =
    event.kind === "feedback"
      ? event.rows.map((row, i) => ({ batchId: event.batchId, row, label: event.labels[i] }))
      : event.entries;
  await adapters.feedback.recordLabels(event.tenantId, entries, event.source, event.labelledAt);
}
