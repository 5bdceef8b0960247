// The D1 statements that record one scored chunk, shared by batches scored by the queue and
// by predictions logged after /v1/predict answered.
import type { ScoredRow } from "./batch-store.ts";

/**
 * One chunk as a D1 transaction: upsert its rows, mark the chunk scored once, recount, and
 * complete the batch when every row is in. All rows travel as one JSON parameter (D1 allows
 * only 100 bound parameters per statement).
 */
export function chunkStatements(
  d1: D1Database,
  batchId: string,
  chunk: number,
  rows: readonly ScoredRow[],
  now: number,
) {
  const payload = JSON.stringify(
    rows.map((r) => ({ r: r.row, i: r.clientId, f: r.features, l: r.label, m: r.margin, v: r.modelVersion })),
  );
  return [
    d1
      .prepare(
        `INSERT INTO predictions (batch_id, row, client_id, features, label, margin, model_version, scored_at)
         SELECT ?1, json_extract(value, '$.r'), json_extract(value, '$.i'), json_extract(value, '$.f'),
                json_extract(value, '$.l'), json_extract(value, '$.m'), json_extract(value, '$.v'), ?3
         FROM json_each(?2) WHERE true
         ON CONFLICT (batch_id, row) DO UPDATE SET client_id = excluded.client_id, features = excluded.features,
           label = excluded.label, margin = excluded.margin, model_version = excluded.model_version,
           scored_at = excluded.scored_at`,
      )
      .bind(batchId, payload, now),
    d1
      .prepare(
        "INSERT INTO batch_chunks (batch_id, chunk, rows, scored_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
      )
      .bind(batchId, chunk, rows.length, now),
    d1
      .prepare(
        "UPDATE batches SET done = (SELECT COALESCE(SUM(rows), 0) FROM batch_chunks WHERE batch_id = ?1) WHERE id = ?1",
      )
      .bind(batchId),
    d1
      .prepare(
        "UPDATE batches SET status = 'complete', completed_at = ?2 WHERE id = ?1 AND status = 'pending' AND done >= rows",
      )
      .bind(batchId, now),
  ];
}
