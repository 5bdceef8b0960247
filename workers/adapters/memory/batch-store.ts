// The in-memory twin of batch-store.ts, over the tables it shares with the feedback and metrics
// twins (data.ts). Each method does what its D1 statements do, as one step: an idempotency key
// is unique per tenant (the unique index), a batch completes only from pending and only then adds
// its deltas to the rollups (the `changes() > 0` guard), a logged batch is inserted and counted
// once per id, and deleting a batch deletes its labels but not what it added to the rollups.
import { PREDICT_SOURCE, type BatchRecord, type BatchStore } from "../batch-store.ts";
import type { RollupDelta } from "../../services/rollup.ts";
import { batchOutcome } from "../../services/batch-outcome.ts";
import { addToRollup, compareText, limited, requireTenant, type MemoryData } from "./data.ts";

const DAY_MS = 86_400_000;
/** As the real store keeps a callback's error. */
const MAX_CALLBACK_ERROR = 500;

export function createMemoryBatchStore(data: MemoryData): BatchStore {
  const all = () => [...data.batches.values()];
  const copy = (batch: BatchRecord | undefined) => (batch ? { ...batch } : null);

  function addDeltas(deltas: readonly RollupDelta[]) {
    for (const delta of deltas) {
      addToRollup(data, {
        tenantId: delta.tenantId,
        hour: delta.hour,
        modelVersion: delta.modelVersion,
        batches: delta.batches,
        rows: delta.rows,
        positives: delta.positives,
        latency: delta.latency,
        features: delta.bins,
        scores: delta.scores,
      });
    }
  }

  return {
    async createBatch(batch) {
      const key = batch.idempotencyKey ?? null;
      // INSERT … ON CONFLICT DO NOTHING: the id and (tenant, key) are unique; a null key never clashes.
      const clash =
        data.batches.has(batch.id) ||
        (key !== null && all().some((b) => b.tenantId === batch.tenantId && b.idempotencyKey === key));
      if (!clash) {
        requireTenant(data, batch.tenantId);
        const row: BatchRecord = {
          id: batch.id,
          tenantId: batch.tenantId,
          status: "pending",
          rows: batch.rows,
          chunks: batch.chunks,
          done: 0,
          featureCount: batch.featureCount,
          idempotencyKey: key,
          bodyHash: batch.bodyHash,
          callbackUrl: batch.callbackUrl ?? null,
          callbackStatus: batch.callbackUrl ? "pending" : null,
          callbackAttempts: 0,
          callbackError: null,
          source: batch.source ?? "api",
          error: batch.error ?? null,
          redrives: batch.redrives ?? 0,
          createdAt: Date.now(),
          completedAt: batch.completedAt ?? null,
          positives: batch.positives ?? null,
          modelVersion: batch.modelVersion ?? null,
        };
        data.batches.set(row.id, row);
        return { created: true, batch: { ...row } };
      }
      // The real store looks the key up as given, "" for none.
      const existing = all().find((b) => b.tenantId === batch.tenantId && b.idempotencyKey === (key ?? ""));
      if (!existing) throw new Error(`batch ${batch.id} was neither inserted nor found by its idempotency key`);
      return { created: false, batch: { ...existing } };
    },

    async findBatch(tenantId, id) {
      const batch = data.batches.get(id);
      return batch?.tenantId === tenantId ? { ...batch } : null;
    },

    getBatch: async (id) => copy(data.batches.get(id)),

    async listBatches(tenantId, limit, after, filter = {}) {
      const page = all().filter(
        (b) =>
          b.tenantId === tenantId &&
          b.source !== PREDICT_SOURCE &&
          (!after || b.createdAt < after.createdAt || (b.createdAt === after.createdAt && b.id < after.id)) &&
          (filter.status === undefined || b.status === filter.status) &&
          (filter.source === undefined || b.source === filter.source) &&
          (filter.from === undefined || b.createdAt >= filter.from) &&
          (filter.to === undefined || b.createdAt <= filter.to) &&
          (filter.modelVersion === undefined || b.modelVersion === filter.modelVersion),
      );
      page.sort((a, b) => b.createdAt - a.createdAt || compareText(b.id, a.id));
      return limited(page, limit).map((b) => ({ ...b }));
    },

    async markFailed(id, error, releaseKey = false) {
      const batch = data.batches.get(id);
      if (batch?.status !== "pending") return;
      batch.status = "failed";
      batch.error = error;
      batch.completedAt = Date.now();
      if (releaseKey) batch.idempotencyKey = null;
    },

    async completeBatch(batchId, completedAt, deltas) {
      const batch = data.batches.get(batchId);
      if (batch?.status === "pending") {
        batch.status = "complete";
        batch.done = batch.rows;
        batch.completedAt = completedAt;
        Object.assign(batch, batchOutcome(deltas));
        addDeltas(deltas);
      }
      return copy(data.batches.get(batchId));
    },

    async recordLoggedBatch(batch, completedAt, deltas) {
      if (data.batches.has(batch.id)) return;
      requireTenant(data, batch.tenantId);
      data.batches.set(batch.id, {
        id: batch.id,
        tenantId: batch.tenantId,
        status: "complete",
        rows: batch.rows,
        chunks: batch.chunks,
        done: batch.rows,
        featureCount: batch.featureCount,
        idempotencyKey: null,
        bodyHash: "",
        callbackUrl: null,
        callbackStatus: null,
        callbackAttempts: 0,
        callbackError: null,
        source: batch.source ?? "api",
        error: null,
        redrives: 0,
        createdAt: completedAt,
        completedAt,
        ...batchOutcome(deltas),
      });
      addDeltas(deltas);
    },

    async markRedriven(batchId) {
      const batch = data.batches.get(batchId);
      if (batch) batch.redrives++;
    },

    async listStuck(before, limit) {
      // Stable: batches created in the same millisecond stay in insertion order, as in the index.
      const stuck = all().filter((b) => b.status === "pending" && b.createdAt < before);
      return limited(
        stuck.sort((a, b) => a.createdAt - b.createdAt),
        limit,
      ).map((b) => ({ ...b }));
    },

    async deleteBatch(tenantId, id) {
      if (data.batches.get(id)?.tenantId !== tenantId) return false;
      for (const [key, label] of data.feedback) if (label.batchId === id) data.feedback.delete(key);
      data.batches.delete(id);
      return true;
    },

    async listExpired(defaultDays, now, limit) {
      // JOIN tenants: a batch counts only while its tenant exists, with the tenant's retention.
      const expired = all().filter(
        (b) =>
          data.tenants.hasTenant(b.tenantId) &&
          b.createdAt < now - (data.retentionDays.get(b.tenantId) ?? defaultDays) * DAY_MS,
      );
      return limited(
        expired.sort((a, b) => a.createdAt - b.createdAt),
        limit,
      ).map((b) => ({ id: b.id, tenantId: b.tenantId }));
    },

    async recordCallback(batchId, outcome) {
      const batch = data.batches.get(batchId);
      if (!batch) return;
      batch.callbackStatus = outcome.status;
      if (outcome.error !== undefined) batch.callbackError = outcome.error?.slice(0, MAX_CALLBACK_ERROR) ?? null;
      if (outcome.attempted) batch.callbackAttempts++;
    },
  };
}
