// The feedback consumer: writes an event's labels to the label index in D1, each with what the
// model had said for its row (read from the batch's scores in R2), so agreement is counted into
// the rollups as the label lands (see adapters/feedback-store.ts for why reordered or
// redelivered events cannot flip a label back or count twice). Labels for rows the tenant's
// finished batches did not score are dropped, never stored.
import type { FeedbackEvent, PredictionFeedbackEvent } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";
import type { JudgedLabel, LabelEntry } from "../adapters/feedback-store.ts";
import { readVerdicts } from "./scored-rows.ts";

export async function recordFeedback(
  adapters: Adapters,
  event: FeedbackEvent | PredictionFeedbackEvent,
): Promise<void> {
  const entries: LabelEntry[] =
    event.kind === "feedback"
      ? event.rows.map((row, i) => ({ batchId: event.batchId, row, label: event.labels[i] }))
      : event.entries;
  const byBatch = new Map<string, LabelEntry[]>();
  for (const entry of entries) byBatch.set(entry.batchId, [...(byBatch.get(entry.batchId) ?? []), entry]);
  const judged: JudgedLabel[] = [];
  for (const [batchId, labels] of byBatch) {
    const batch = await adapters.batches.getBatch(batchId);
    if (!batch || batch.tenantId !== event.tenantId || batch.status !== "complete") continue;
    const verdicts = await readVerdicts(adapters, batch);
    if (!verdicts) continue;
    for (const entry of labels) {
      if (entry.row >= verdicts.labels.length) continue;
      judged.push({
        ...entry,
        predicted: verdicts.labels[entry.row] === 1 ? 1 : 0,
        modelVersion: verdicts.versions[entry.row],
      });
    }
  }
  if (judged.length > 0) await adapters.feedback.recordLabels(event.tenantId, judged, event.source, event.labelledAt);
}
