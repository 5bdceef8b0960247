// What GET /v1/metrics and /v1/metrics/history read, per tenant: the hourly rollups (schema.ts
// `rollups`). Every query reads O(hours × versions) rows, never the scored rows or the labels;
// the feature bins (features × 10 counts a row) only where the caller bounded the hours.
import { sql } from "drizzle-orm";
import type { Database } from "./database.ts";

export interface VersionAccuracy {
  modelVersion: string;
  labelled: number;
  correct: number;
}

export interface DayAccuracy {
  day: string;
  labelled: number;
  correct: number;
}

export interface Volume {
  batches: number;
  rows: number;
  feedback: number;
  /** Batch latency histogram (services/rollup.ts LATENCY_BOUNDS_MS), summed. */
  latency: number[];
}

export interface VersionTraffic {
  rows: number;
  /** Feature-major bin counts on the version's training deciles, summed. */
  bins: number[];
}

/** One hour of one version as stored: its counts, and its histograms (services/rollup.ts) parsed. */
export interface RollupHour {
  hour: number;
  modelVersion: string;
  batches: number;
  rows: number;
  positives: number;
  labelled: number;
  correct: number;
  labelledPositives: number;
  truePositives: number;
  /** Over LATENCY_BOUNDS_MS; empty for an hour without batches. */
  latency: number[];
  /** Over SCORE_BOUNDS; empty for an hour whose rows were scored before margins were counted. */
  scores: number[];
  /** Feature-major counts on the version's training deciles. */
  features: number[];
}

/** An hour's counts without its feature bins, whose length grows with the model's width. */
export type RollupCounts = Omit<RollupHour, "features">;

/** An hour's feature bins. */
export type RollupBins = Pick<RollupHour, "hour" | "modelVersion" | "features">;

export interface MetricsStore {
  accuracyByVersion(tenantId: string): Promise<VersionAccuracy[]>;
  accuracyByDay(tenantId: string, since: number): Promise<DayAccuracy[]>;
  volumeSince(tenantId: string, since: number): Promise<Volume>;
  /** What a version scored since a time: row count and summed feature histograms. */
  trafficSince(tenantId: string, modelVersion: string, since: number): Promise<VersionTraffic>;
  /** The tenant's hours from `since` on, by hour then version, without their feature bins. */
  rollupsSince(tenantId: string, since: number): Promise<RollupCounts[]>;
  /** The feature bins of the hours from `since` on in which one of `versions` scored rows, by hour then version. */
  featureBinsSince(tenantId: string, since: number, versions: readonly string[]): Promise<RollupBins[]>;
}

interface HistogramRow {
  rows: number;
  histogram: string;
}

function sumHistograms(rows: readonly { histogram: string }[]): number[] {
  const sum: number[] = [];
  for (const row of rows) {
    (JSON.parse(row.histogram) as number[]).forEach((count, k) => (sum[k] = (sum[k] ?? 0) + count));
  }
  return sum;
}

export function createMetricsStore(db: Database): MetricsStore {
  return {
    async accuracyByVersion(tenantId) {
      return db.all<VersionAccuracy>(
        sql`SELECT model_version AS modelVersion, sum(labelled) AS labelled, sum(correct) AS correct FROM rollups
            WHERE tenant_id = ${tenantId} GROUP BY model_version HAVING sum(labelled) > 0 ORDER BY min(hour)`,
      );
    },
    async accuracyByDay(tenantId, since) {
      return db.all<DayAccuracy>(
        sql`SELECT date(hour / 1000, 'unixepoch') AS day, sum(labelled) AS labelled, sum(correct) AS correct
            FROM rollups WHERE tenant_id = ${tenantId} AND hour >= ${since}
            GROUP BY day HAVING sum(labelled) > 0 ORDER BY day`,
      );
    },
    async volumeSince(tenantId, since) {
      const rows = await db.all<{ batches: number; rows: number; feedback: number; histogram: string }>(
        sql`SELECT batches, rows, labelled AS feedback, latency AS histogram FROM rollups
            WHERE tenant_id = ${tenantId} AND hour >= ${since}`,
      );
      return {
        batches: rows.reduce((n, r) => n + r.batches, 0),
        rows: rows.reduce((n, r) => n + r.rows, 0),
        feedback: rows.reduce((n, r) => n + r.feedback, 0),
        latency: sumHistograms(rows),
      };
    },
    async trafficSince(tenantId, modelVersion, since) {
      const rows = await db.all<HistogramRow>(
        sql`SELECT rows, features AS histogram FROM rollups
            WHERE tenant_id = ${tenantId} AND model_version = ${modelVersion} AND hour >= ${since} AND rows > 0`,
      );
      return { rows: rows.reduce((n, r) => n + r.rows, 0), bins: sumHistograms(rows) };
    },
    async rollupsSince(tenantId, since) {
      // The primary key (tenant_id, hour, model_version) is the range scan and the order.
      const rows = await db.all<Omit<RollupCounts, "latency" | "scores"> & { latency: string; scores: string }>(
        sql`SELECT hour, model_version AS modelVersion, batches, rows, positives, labelled, correct,
                   labelled_positives AS labelledPositives, true_positives AS truePositives, latency, scores
            FROM rollups WHERE tenant_id = ${tenantId} AND hour >= ${since} ORDER BY hour, model_version`,
      );
      return rows.map((row) => ({
        ...row,
        latency: JSON.parse(row.latency) as number[],
        scores: JSON.parse(row.scores) as number[],
      }));
    },
    async featureBinsSince(tenantId, since, versions) {
      if (versions.length === 0) return [];
      // The versions travel as one JSON parameter: a window can hold more than D1's 100 bound ones.
      const rows = await db.all<Omit<RollupBins, "features"> & { features: string }>(
        sql`SELECT hour, model_version AS modelVersion, features FROM rollups
            WHERE tenant_id = ${tenantId} AND hour >= ${since} AND rows > 0
              AND model_version IN (SELECT value FROM json_each(${JSON.stringify(versions)}))
            ORDER BY hour, model_version`,
      );
      return rows.map((row) => ({ ...row, features: JSON.parse(row.features) as number[] }));
    },
  };
}
