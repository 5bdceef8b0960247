// What GET /v1/metrics reads, per tenant, from D1: live accuracy (scored rows joined to their
// labels), volumes, batch latencies and a sample of recent feature vectors for drift. Each query
// is bounded (30 days, 200 batches, 1,000 rows) so the call stays cheap as history grows.
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
}

export interface MetricsStore {
  accuracyByVersion(tenantId: string): Promise<VersionAccuracy[]>;
  accuracyByDay(tenantId: string, since: number): Promise<DayAccuracy[]>;
  volumeSince(tenantId: string, since: number): Promise<Volume>;
  /** Milliseconds from submission to completion of the most recent completed batches. */
  recentLatencies(tenantId: string, limit: number): Promise<number[]>;
  /** The most recently scored feature vectors. */
  recentFeatures(tenantId: string, limit: number): Promise<number[][]>;
}

export function createMetricsStore(db: Database): MetricsStore {
  return {
    async accuracyByVersion(tenantId) {
      const rows = await db.all<VersionAccuracy>(
        sql`SELECT p.model_version AS modelVersion, count(*) AS labelled, coalesce(sum(p.label = f.label), 0) AS correct
         FROM feedback f JOIN predictions p ON p.batch_id = f.batch_id AND p.row = f.row
         WHERE f.tenant_id = ${tenantId} GROUP BY p.model_version ORDER BY min(p.scored_at)`,
      );
      return rows;
    },
    async accuracyByDay(tenantId, since) {
      return db.all<DayAccuracy>(
        sql`SELECT date(f.received_at / 1000, 'unixepoch') AS day, count(*) AS labelled,
                   coalesce(sum(p.label = f.label), 0) AS correct
         FROM feedback f JOIN predictions p ON p.batch_id = f.batch_id AND p.row = f.row
         WHERE f.tenant_id = ${tenantId} AND f.received_at > ${since} GROUP BY day ORDER BY day`,
      );
    },
    async volumeSince(tenantId, since) {
      const rows = await db.all<Volume>(
        sql`SELECT (SELECT count(*) FROM batches WHERE tenant_id = ${tenantId} AND created_at > ${since}) AS batches,
              (SELECT coalesce(sum(rows), 0) FROM batches WHERE tenant_id = ${tenantId} AND created_at > ${since}) AS rows,
              (SELECT count(*) FROM feedback WHERE tenant_id = ${tenantId} AND received_at > ${since}) AS feedback`,
      );
      return rows[0] ?? { batches: 0, rows: 0, feedback: 0 };
    },
    async recentLatencies(tenantId, limit) {
      const rows = await db.all<{ ms: number }>(
        sql`SELECT completed_at - created_at AS ms FROM batches
         WHERE tenant_id = ${tenantId} AND status = 'complete' ORDER BY created_at DESC LIMIT ${limit}`,
      );
      return rows.map((r) => r.ms);
    },
    async recentFeatures(tenantId, limit) {
      const rows = await db.all<{ features: string }>(
        sql`SELECT p.features AS features FROM predictions p JOIN batches b ON b.id = p.batch_id
         WHERE b.tenant_id = ${tenantId} ORDER BY p.scored_at DESC LIMIT ${limit}`,
      );
      return rows.map((r) => JSON.parse(r.features) as number[]);
    },
  };
}
