// Writes a feedback event to D1. One statement upserts every label of the event; a label
// replaces an earlier one only if it was given later, so reordered deliveries cannot flip a
// row back to a stale label (the 2021 system's cache/database race).
import { sql } from "drizzle-orm";
import type { FeedbackEvent } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";

export async function recordFeedback(adapters: Adapters, event: FeedbackEvent): Promise<void> {
  const batch = await adapters.batches.getBatch(event.batchId);
  if (!batch || batch.tenantId !== event.tenantId) {
    console.warn(`feedback for unknown batch ${event.batchId}: dropped`);
    return;
  }
  const payload = JSON.stringify(event.rows.map((row, i) => ({ r: row, l: event.labels[i] })));
  const now = Date.now();
  await adapters.db.run(sql`INSERT INTO feedback (batch_id, row, tenant_id, label, source, labelled_at, received_at)
    SELECT ${event.batchId}, json_extract(value, '$.r'), ${event.tenantId}, json_extract(value, '$.l'),
           ${event.source}, ${event.labelledAt}, ${now}
    FROM json_each(${payload})
    WHERE json_extract(value, '$.r') IN (SELECT row FROM predictions WHERE batch_id = ${event.batchId})
    ON CONFLICT (batch_id, row) DO UPDATE SET label = excluded.label, source = excluded.source,
      labelled_at = excluded.labelled_at, received_at = excluded.received_at
    WHERE excluded.labelled_at >= feedback.labelled_at`);
}
