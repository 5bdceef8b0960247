// The label index in D1: one row per labelled (batch, row), with what the model had said for it.
// An event's labels are recorded in one transaction of three statements, whatever batches their
// rows belong to: take back from the rollups what the labels about to be replaced had added, upsert
// the labels (a label replaces an earlier one only if it was given later, so reordered deliveries
// cannot flip a row back to a stale label, the 2021 system's cache/database race), and add what
// the labels that won now say. A redelivered event takes back and adds the same counts: no change.
// The counts are the confusion matrix's: labelled, correct, true label 1, true positives.
import { sql } from "drizzle-orm";
import type { Database } from "./database.ts";
import { ROLLUP_UPSERT } from "./rollup-statements.ts";
import { hourOf } from "../services/rollup.ts";

export interface LabelEntry {
  batchId: string;
  row: number;
  label: 0 | 1;
}

/** A label with what the model predicted for its row (read from the scores in R2). */
export interface JudgedLabel extends LabelEntry {
  predicted: 0 | 1;
  modelVersion: string;
}

/** Where a page of labelled rows ended: the next page starts after it. */
export interface LabelCursor {
  labelledAt: number;
  batchId: string;
  row: number;
}

export interface LabelledRow extends LabelCursor {
  label: 0 | 1;
}

export interface FeedbackStore {
  /** A page of the tenant's labels, oldest first (keyset pages: each costs what it returns). */
  labelledRows(tenantId: string, after: LabelCursor | null, limit: number): Promise<LabelledRow[]>;
  recordLabels(
    tenantId: string,
    entries: readonly JudgedLabel[],
    source: "dashboard" | "api" | "webhook",
    labelledAt: number,
  ): Promise<void>;
  /** Which of these (batch, row) pairs are rows of the tenant's finished batches, as "batchId.row" keys; one query. */
  findScored(tenantId: string, pairs: readonly { batchId: string; row: number }[]): Promise<Set<string>>;
  /** The latest label of each labelled row of a batch. */
  labelsOfBatch(batchId: string): Promise<Map<number, { label: number; source: string }>>;
}

const HOUR = "CAST(f.labelled_at / 3600000 AS INTEGER) * 3600000";
/** What a label counts in its hour: labelled, agreeing, true label 1, and true positive. */
const COUNTED = "labelled, correct, labelled_positives, true_positives";
const COUNTS = ["count(*)", "sum(f.label = f.predicted)", "sum(f.label = 1)", "sum(f.label = 1 AND f.predicted = 1)"];
const negated = (counts: readonly string[]) => counts.map((count) => `-${count}`).join(", ");
const JOINED = `json_each(?2) j JOIN feedback f
  ON f.batch_id = json_extract(j.value, '$.b') AND f.row = json_extract(j.value, '$.r')`;

export function createFeedbackStore(db: Database, d1: D1Database): FeedbackStore {
  return {
    async recordLabels(tenantId, entries, source, labelledAt) {
      // Every label travels in one JSON parameter (D1 binds at most 100 per statement).
      const payload = JSON.stringify(
        entries.map((e) => ({ b: e.batchId, r: e.row, l: e.label, p: e.predicted, v: e.modelVersion })),
      );
      const now = Date.now();
      await d1.batch([
        d1
          .prepare(
            `INSERT INTO rollups (tenant_id, hour, model_version, ${COUNTED})
             SELECT ?1, ${HOUR}, f.model_version, ${negated(COUNTS)} FROM ${JOINED}
             WHERE f.tenant_id = ?1 AND f.labelled_at <= ?3 GROUP BY 2, 3 ${ROLLUP_UPSERT}`,
          )
          .bind(tenantId, payload, labelledAt),
        d1
          .prepare(
            `INSERT INTO feedback (batch_id, row, tenant_id, label, predicted, model_version, source, labelled_at, received_at)
             SELECT json_extract(j.value, '$.b'), json_extract(j.value, '$.r'), ?1, json_extract(j.value, '$.l'),
                    json_extract(j.value, '$.p'), json_extract(j.value, '$.v'), ?4, ?3, ?5
             FROM json_each(?2) j
             WHERE EXISTS (SELECT 1 FROM batches b WHERE b.id = json_extract(j.value, '$.b') AND b.tenant_id = ?1)
             ON CONFLICT (batch_id, row) DO UPDATE SET label = excluded.label, predicted = excluded.predicted,
               model_version = excluded.model_version, source = excluded.source,
               labelled_at = excluded.labelled_at, received_at = excluded.received_at
             WHERE excluded.labelled_at >= feedback.labelled_at`,
          )
          .bind(tenantId, payload, labelledAt, source, now),
        d1
          .prepare(
            `INSERT INTO rollups (tenant_id, hour, model_version, ${COUNTED})
             SELECT ?1, ?5, f.model_version, ${COUNTS.join(", ")} FROM ${JOINED}
             WHERE f.tenant_id = ?1 AND f.labelled_at = ?3 AND f.source = ?4 AND f.label = json_extract(j.value, '$.l')
             GROUP BY f.model_version ${ROLLUP_UPSERT}`,
          )
          .bind(tenantId, payload, labelledAt, source, hourOf(labelledAt)),
      ]);
    },

    async labelledRows(tenantId, after, limit) {
      const from = after ?? { labelledAt: -1, batchId: "", row: -1 };
      return db.all<LabelledRow>(
        sql`SELECT f.labelled_at AS labelledAt, f.batch_id AS batchId, f.row AS row, f.label AS label
            FROM feedback f
            WHERE f.tenant_id = ${tenantId}
              AND (f.labelled_at, f.batch_id, f.row) > (${from.labelledAt}, ${from.batchId}, ${from.row})
            ORDER BY f.labelled_at, f.batch_id, f.row LIMIT ${limit}`,
      );
    },

    async findScored(tenantId, pairs) {
      const payload = JSON.stringify(pairs.map((p) => [p.batchId, p.row]));
      const rows = await db.all<{ batchId: string; row: number }>(sql`
        SELECT b.id AS batchId, json_extract(j.value, '$[1]') AS row FROM json_each(${payload}) j
        JOIN batches b ON b.id = json_extract(j.value, '$[0]') AND b.tenant_id = ${tenantId}
        WHERE b.status = 'complete' AND json_extract(j.value, '$[1]') < b.rows`);
      return new Set(rows.map((r) => `${r.batchId}.${r.row}`));
    },

    async labelsOfBatch(batchId) {
      const rows = await db.all<{ row: number; label: number; source: string }>(
        sql`SELECT row, label, source FROM feedback WHERE batch_id = ${batchId}`,
      );
      return new Map(rows.map((r) => [r.row, { label: r.label, source: r.source }]));
    },
  };
}
