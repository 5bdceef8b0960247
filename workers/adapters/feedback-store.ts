// Labels in D1. One statement upserts every label of an event, whatever batches its rows belong
// to; a label is kept only for a row the tenant's own batch scored, and replaces an earlier
// one only if it was given later, so reordered deliveries cannot flip a row back to a stale
// label (the 2021 system's cache/database race).
import { sql } from "drizzle-orm";
import type { Database } from "./database.ts";

export interface LabelEntry {
  batchId: string;
  row: number;
  label: 0 | 1;
}

/** Where a page of labelled rows ended: the next page starts after it. */
export interface LabelCursor {
  labelledAt: number;
  batchId: string;
  row: number;
}

export interface LabelledRow extends LabelCursor {
  features: number[];
  label: 0 | 1;
}

export interface FeedbackStore {
  /**
   * A page of the tenant's labels, oldest first, each with the feature vector that was scored.
   * Keyset pages (after a cursor) cost what they return, where OFFSET pages re-sort every label.
   */
  labelledRows(tenantId: string, after: LabelCursor | null, limit: number): Promise<LabelledRow[]>;
  recordLabels(
    tenantId: string,
    entries: readonly LabelEntry[],
    source: "dashboard" | "api" | "webhook",
    labelledAt: number,
  ): Promise<void>;
  /** Which of these (batch, row) pairs the tenant's batches scored, as "batchId.row" keys; one query. */
  findScored(tenantId: string, pairs: readonly { batchId: string; row: number }[]): Promise<Set<string>>;
}

export function createFeedbackStore(db: Database): FeedbackStore {
  return {
    async recordLabels(tenantId, entries, source, labelledAt) {
      // Every label travels in one JSON parameter (D1 binds at most 100 per statement).
      const payload = JSON.stringify(entries.map((e) => ({ b: e.batchId, r: e.row, l: e.label })));
      await db.run(sql`INSERT INTO feedback (batch_id, row, tenant_id, label, source, labelled_at, received_at)
        SELECT json_extract(j.value, '$.b'), json_extract(j.value, '$.r'), ${tenantId}, json_extract(j.value, '$.l'),
               ${source}, ${labelledAt}, ${Date.now()}
        FROM json_each(${payload}) j
        WHERE EXISTS (SELECT 1 FROM predictions p JOIN batches b ON b.id = p.batch_id
                      WHERE p.batch_id = json_extract(j.value, '$.b') AND p.row = json_extract(j.value, '$.r')
                        AND b.tenant_id = ${tenantId})
        ON CONFLICT (batch_id, row) DO UPDATE SET label = excluded.label, source = excluded.source,
          labelled_at = excluded.labelled_at, received_at = excluded.received_at
        WHERE excluded.labelled_at >= feedback.labelled_at`);
    },

    async labelledRows(tenantId, after, limit) {
      const from = after ?? { labelledAt: -1, batchId: "", row: -1 };
      const rows = await db.all<{ labelledAt: number; batchId: string; row: number; features: string; label: 0 | 1 }>(
        sql`SELECT f.labelled_at AS labelledAt, f.batch_id AS batchId, f.row AS row, p.features AS features,
                   f.label AS label
            FROM feedback f JOIN predictions p ON p.batch_id = f.batch_id AND p.row = f.row
            WHERE f.tenant_id = ${tenantId}
              AND (f.labelled_at, f.batch_id, f.row) > (${from.labelledAt}, ${from.batchId}, ${from.row})
            ORDER BY f.labelled_at, f.batch_id, f.row LIMIT ${limit}`,
      );
      return rows.map((r) => ({ ...r, features: JSON.parse(r.features) as number[] }));
    },

    async findScored(tenantId, pairs) {
      const payload = JSON.stringify(pairs.map((p) => [p.batchId, p.row]));
      const rows = await db.all<{ batchId: string; row: number }>(sql`
        SELECT p.batch_id AS batchId, p.row AS row FROM json_each(${payload}) j
        JOIN predictions p ON p.batch_id = json_extract(j.value, '$[0]') AND p.row = json_extract(j.value, '$[1]')
        JOIN batches b ON b.id = p.batch_id AND b.tenant_id = ${tenantId}`);
      return new Set(rows.map((r) => `${r.batchId}.${r.row}`));
    },
  };
}
