// The one way rows are added to the hourly rollups (schema.ts `rollups`): an upsert that adds
// counts and adds histograms element-wise (JSON arrays), shared by batch completion and labels.
import type { RollupDelta } from "../services/rollup.ts";

const addArrays = (column: string) =>
  `${column} = CASE WHEN json_array_length(excluded.${column}) = 0 THEN rollups.${column} ELSE
     (SELECT json_group_array(coalesce(json_extract(rollups.${column}, '$[' || k.key || ']'), 0) + k.value)
      FROM json_each(excluded.${column}) k) END`;

/** Appended to an INSERT INTO rollups … SELECT … WHERE …: merges into the existing hour. */
export const ROLLUP_UPSERT = `ON CONFLICT (tenant_id, hour, model_version) DO UPDATE SET
  batches = batches + excluded.batches, rows = rows + excluded.rows, positives = positives + excluded.positives,
  labelled = labelled + excluded.labelled, correct = correct + excluded.correct,
  labelled_positives = labelled_positives + excluded.labelled_positives,
  true_positives = true_positives + excluded.true_positives,
  ${addArrays("latency")}, ${addArrays("features")}, ${addArrays("scores")}`;

/**
 * Adds a completed batch's counts. Placed right after the statement that completes the batch in
 * the same D1 batch(), `changes() > 0` makes it count only when that statement changed a row:
 * a redelivered last chunk finds the batch complete already and adds nothing.
 */
export function batchRollupStatement(d1: D1Database, delta: RollupDelta): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO rollups (tenant_id, hour, model_version, batches, rows, positives, latency, features, scores)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE changes() > 0 ${ROLLUP_UPSERT}`,
    )
    .bind(
      delta.tenantId,
      delta.hour,
      delta.modelVersion,
      delta.batches,
      delta.rows,
      delta.positives,
      JSON.stringify(delta.latency),
      JSON.stringify(delta.bins),
      JSON.stringify(delta.scores),
    );
}
