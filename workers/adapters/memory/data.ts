// The in-memory "database" the batch, feedback and metrics twins share, as their real stores
// share D1's batches, feedback and rollups tables: a batch's completion adds to the rollups that
// labels take back from and add to, the metrics read them, and deleting a batch deletes its
// labels. The tables are plain maps a test may read. What more than one twin needs of SQLite is
// kept here: the rollup upsert (rollup-statements.ts), the tenants foreign key, LIMIT, ordering.
import type { feedback } from "../../db/schema.ts";
import type { BatchRecord } from "../batch-store.ts";
import type { RollupHour } from "../metrics-store.ts";
import type { TenantRegistry } from "./dataset-store.ts";

export type FeedbackRow = typeof feedback.$inferSelect;

/** A rollups row as the D1 adapter reads it back (its histograms as arrays), with its tenant. */
export interface RollupRow extends RollupHour {
  tenantId: string;
}

/** What one statement adds to an hour's row: its counts, and histograms to add element-wise. */
export type RollupAddition = Pick<RollupRow, "tenantId" | "hour" | "modelVersion"> &
  Partial<Omit<RollupRow, "tenantId" | "hour" | "modelVersion">>;

export interface MemoryData {
  /** The batches table, by id, in insertion order (SQLite's rowid order). */
  batches: Map<string, BatchRecord>;
  /** The feedback table, by labelKey(batchId, row). */
  feedback: Map<string, FeedbackRow>;
  /** The rollups table, by rollupKey(tenantId, hour, modelVersion). */
  rollups: Map<string, RollupRow>;
  /** tenants.retention_days, for the tenants that set one (no entry: the column is null). */
  retentionDays: Map<string, number>;
  /** The tenants table, as far as the foreign key and the retention join need it. */
  tenants: TenantRegistry;
}

export interface MemoryDataOptions {
  /** Which tenants exist (the memory key store); without it every tenant does. */
  tenants?: TenantRegistry;
}

export function createMemoryData(options: MemoryDataOptions = {}): MemoryData {
  return {
    batches: new Map(),
    feedback: new Map(),
    rollups: new Map(),
    retentionDays: new Map(),
    tenants: options.tenants ?? { hasTenant: () => true },
  };
}

export const labelKey = (batchId: string, row: number) => JSON.stringify([batchId, row]);
export const rollupKey = (tenantId: string, hour: number, modelVersion: string) =>
  JSON.stringify([tenantId, hour, modelVersion]);

/** batches.tenant_id references tenants.id, and D1 enforces foreign keys. */
export function requireTenant(data: MemoryData, tenantId: string): void {
  if (!data.tenants.hasTenant(tenantId)) throw new Error(`FOREIGN KEY constraint failed (tenant ${tenantId})`);
}

/**
 * ROLLUP_UPSERT: counts are added; a histogram that is not empty replaces the hour's by the
 * element-wise sum over its own length (json_each walks the added array, so an hour's longer
 * array is cut to it), an empty one leaves the hour's as it is.
 */
export function addToRollup(data: MemoryData, add: RollupAddition): void {
  const key = rollupKey(add.tenantId, add.hour, add.modelVersion);
  const row = data.rollups.get(key);
  const latency = add.latency ?? [];
  const features = add.features ?? [];
  const scores = add.scores ?? [];
  if (!row) {
    data.rollups.set(key, {
      tenantId: add.tenantId,
      hour: add.hour,
      modelVersion: add.modelVersion,
      batches: add.batches ?? 0,
      rows: add.rows ?? 0,
      positives: add.positives ?? 0,
      labelled: add.labelled ?? 0,
      correct: add.correct ?? 0,
      labelledPositives: add.labelledPositives ?? 0,
      truePositives: add.truePositives ?? 0,
      latency: [...latency],
      features: [...features],
      scores: [...scores],
    });
    return;
  }
  row.batches += add.batches ?? 0;
  row.rows += add.rows ?? 0;
  row.positives += add.positives ?? 0;
  row.labelled += add.labelled ?? 0;
  row.correct += add.correct ?? 0;
  row.labelledPositives += add.labelledPositives ?? 0;
  row.truePositives += add.truePositives ?? 0;
  row.latency = addHistogram(row.latency, latency);
  row.features = addHistogram(row.features, features);
  row.scores = addHistogram(row.scores, scores);
}

const addHistogram = (into: readonly number[], added: readonly number[]) =>
  added.length === 0 ? [...into] : added.map((count, k) => (into[k] ?? 0) + count);

/** SQLite's LIMIT: a negative limit is no limit. */
export const limited = <T>(items: T[], limit: number) => (limit < 0 ? items : items.slice(0, limit));

/** Ascending order of text, as SQLite's BINARY collation for the ASCII ids and names used here. */
export const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
