// The fixture of the batch, feedback and metrics contracts. Their real stores share D1's batches,
// feedback and rollups tables and their twins share one MemoryData, so each contract gets all
// three stores over the same tables, and observes one through the others (a completion counted
// once is read back from the metrics). Only what no store offers is done behind them: making a
// tenant, backdating a batch and setting a tenant's retention, as the deletion tests do in SQL.
import { env } from "cloudflare:workers";
import { createBatchStore, type BatchStore, type NewBatch } from "../../../workers/adapters/batch-store.ts";
import { createFeedbackStore, type FeedbackStore, type JudgedLabel } from "../../../workers/adapters/feedback-store.ts";
import { createKeyStore } from "../../../workers/adapters/key-store.ts";
import { createMetricsStore, type MetricsStore } from "../../../workers/adapters/metrics-store.ts";
import { createMemoryBatchStore } from "../../../workers/adapters/memory/batch-store.ts";
import { createMemoryData } from "../../../workers/adapters/memory/data.ts";
import { createMemoryFeedbackStore } from "../../../workers/adapters/memory/feedback-store.ts";
import { createMemoryKeyStore } from "../../../workers/adapters/memory/key-store.ts";
import { createMemoryMetricsStore } from "../../../workers/adapters/memory/metrics-store.ts";
import type { RollupDelta } from "../../../workers/services/rollup.ts";
import { describeContract, freshId, testDatabase } from "./contract.ts";

export interface Tables {
  batches: BatchStore;
  feedback: FeedbackStore;
  metrics: MetricsStore;
  /** A tenant batches can belong to (batches.tenant_id references tenants). */
  addTenant(): Promise<string>;
  /** Sets when a batch was created (only time ages a batch otherwise). */
  backdate(batchId: string, createdAt: number): Promise<void>;
  /** Sets a tenant's own retention in days (tenants.retention_days). */
  setRetention(tenantId: string, days: number): Promise<void>;
}

function realTables(): Tables {
  const db = testDatabase();
  const keys = createKeyStore(db, env.WEBHOOK_SECRETS_KEY);
  return {
    batches: createBatchStore(db, env.DB),
    feedback: createFeedbackStore(db, env.DB),
    metrics: createMetricsStore(db),
    addTenant: async () => (await keys.ensureTenant(freshId("acme"))).id,
    async backdate(batchId, createdAt) {
      await env.DB.prepare("UPDATE batches SET created_at = ? WHERE id = ?").bind(createdAt, batchId).run();
    },
    async setRetention(tenantId, days) {
      await env.DB.prepare("UPDATE tenants SET retention_days = ? WHERE id = ?").bind(days, tenantId).run();
    },
  };
}

function memoryTables(): Tables {
  const keys = createMemoryKeyStore(env.WEBHOOK_SECRETS_KEY);
  const data = createMemoryData({ tenants: keys });
  return {
    batches: createMemoryBatchStore(data),
    feedback: createMemoryFeedbackStore(data),
    metrics: createMemoryMetricsStore(data),
    addTenant: async () => (await keys.ensureTenant(freshId("acme"))).id,
    async backdate(batchId, createdAt) {
      const batch = data.batches.get(batchId);
      if (batch) batch.createdAt = createdAt;
    },
    async setRetention(tenantId, days) {
      data.retentionDays.set(tenantId, days);
    },
  };
}

/** Declares the cases against the real stores on D1 and against the twins on one MemoryData. */
export const describeTables = (store: string, cases: (make: () => Promise<Tables>) => void) =>
  describeContract<Tables>(store, "d1", realTables, memoryTables, cases);

/** A batch id unique to the test, shaped like the ones ingest makes. */
export const batchId = () => `bat_${crypto.randomUUID().replaceAll("-", "")}`;

export const newBatch = (tenantId: string, fields: Partial<NewBatch> = {}): NewBatch => ({
  id: batchId(),
  tenantId,
  rows: 3,
  chunks: 1,
  featureCount: 4,
  bodyHash: "body-hash",
  ...fields,
});

export const HOUR = 3_600_000;
/** A fixed hour (2026-01-01T00:00Z), so days and hours in the cases are known. */
export const H0 = Date.UTC(2026, 0, 1);

/** What a completed batch adds for one version in one hour. */
export const delta = (tenantId: string, hour: number, counts: Partial<RollupDelta> = {}): RollupDelta => ({
  tenantId,
  hour,
  modelVersion: "v1",
  batches: 1,
  rows: 3,
  positives: 1,
  bins: [2, 1, 0, 3],
  latency: [0, 1, 0],
  scores: [1, 0, 2],
  ...counts,
});

/** Creates a batch of `rows` rows and completes it, counting one delta (its version, at `hour`). */
export async function completedBatch(
  batches: BatchStore,
  tenantId: string,
  hour: number,
  counts: Partial<RollupDelta> = {},
) {
  const rows = counts.rows ?? 3;
  const { batch } = await batches.createBatch(newBatch(tenantId, { rows }));
  await batches.completeBatch(batch.id, hour, [delta(tenantId, hour, { rows, ...counts })]);
  return batch.id;
}

/** Labels for rows of a batch: [row, label, predicted, version] each. */
export const judged = (id: string, labels: [number, 0 | 1, 0 | 1, string][]): JudgedLabel[] =>
  labels.map(([row, label, predicted, modelVersion]) => ({ batchId: id, row, label, predicted, modelVersion }));
