// Deleting data, on request (DELETE /v1/batches/:id) or when a tenant's retention runs out (the
// cron): a batch's rows (R2), labels (D1) and cached result (KV) all go, and the
// deletion is audited. Labels deleted here no longer reach later training sets.
import type { Adapters } from "../adapters/index.ts";

/** Deletes one of the tenant's batches; false when the tenant has no such batch. */
export async function deleteBatch(
  adapters: Adapters,
  tenantId: string,
  batchId: string,
  actor: string,
): Promise<boolean> {
  // Rows first: a failure leaves the D1 row in place, so the deletion can be asked for again.
  const batch = await adapters.batches.findBatch(tenantId, batchId);
  if (!batch) return false;
  await adapters.rows.deleteBatch(tenantId, batchId);
  if (!(await adapters.batches.deleteBatch(tenantId, batchId))) return false;
  await adapters.results.deleteResult(batchId);
  await adapters.audit.record({ tenantId, actor, action: "batch.deleted", subject: batchId });
  return true;
}

/** Batches per cron tick: the rest go on the next ticks. */
const PURGED_PER_TICK = 200;

/** Deletes batches older than their tenant's retention (RETENTION_DAYS when the tenant sets none). */
export async function purgeExpiredBatches(adapters: Adapters, defaultDays: number, now: number): Promise<number> {
  const expired = await adapters.batches.listExpired(defaultDays, now, PURGED_PER_TICK);
  for (const { id, tenantId } of expired) await deleteBatch(adapters, tenantId, id, "retention");
  return expired.length;
}
