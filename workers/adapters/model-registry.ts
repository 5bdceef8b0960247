// Model versions, each owned by one tenant: immutable artifacts in R2
// (tenants/<tenant>/models/<version>.json), the registry and each tenant's champion in D1, and
// per-version copies in KV for fast cold starts. A version is claimed in D1
// first (its primary key is the claim), so two writers of one name cannot both proceed; the
// artifact is then written to R2 only if absent, so a registered artifact is never overwritten.
// A version's artifact never changes, so its KV copy can never be stale; only the champion
// pointer moves, and that is read from D1.
import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import { auditLog, models } from "../db/schema.ts";
import type { Database } from "./database.ts";

export type ModelRecord = typeof models.$inferSelect;
export type NewModelRecord = Omit<typeof models.$inferInsert, "artifactKey" | "activatedAt" | "holdout">;
export interface HoldoutMeasure {
  version: string;
  accuracy: number;
  rows: number;
  runId: string;
  measuredAt: number;
}
/** An audit entry written with the change it records (its tenant is the model's). */
export interface AuditEntry {
  actor: string;
  action: string;
  detail?: unknown;
}

export interface ModelRegistry {
  findChampion(tenantId: string): Promise<ModelRecord | null>;
  findModel(tenantId: string, version: string): Promise<ModelRecord | null>;
  /** The version a training run registered, if it registered one. */
  findByRun(tenantId: string, runId: string): Promise<ModelRecord | null>;
  listModels(tenantId: string, limit: number): Promise<ModelRecord[]>;
  /** The largest N of the tenant's versions named "v<N>" (0 when there is none). */
  highestNumberedVersion(tenantId: string): Promise<number>;
  /** The stored artifact text of a registered version, from KV or else R2; null when absent. */
  readArtifact(record: Pick<ModelRecord, "tenantId" | "version" | "artifactKey">): Promise<string | null>;
  /**
   * Claims the version (its D1 row, never as champion), then stores the artifact in R2 only if
   * absent, then in KV; a champion record is activated last. Returns null, having written
   * nothing, when the version name is taken or the record's run registered a version already.
   * If storing fails the claim is withdrawn.
   */
  saveModel(record: NewModelRecord, artifactText: string, audit?: AuditEntry): Promise<ModelRecord | null>;
  /** Makes a stored version the tenant's champion (promotion or rollback) and audits it, in one D1 transaction. */
  activate(tenantId: string, version: string, audit?: AuditEntry): Promise<ModelRecord | null>;
  /** Records each version's accuracy on the tenant's latest holdout. */
  recordHoldout(tenantId: string, measures: readonly HoldoutMeasure[]): Promise<void>;
  /**
   * Stores class names (JSON text, as saveModel takes them) on rows that have none (registered
   * before names were stored), in one statement; a row that has names keeps them.
   */
  recordClassNames(tenantId: string, names: readonly StoredClassNames[]): Promise<void>;
}

export interface StoredClassNames {
  version: string;
  classNames: string;
}

export const artifactKey = (tenantId: string, version: string) => `tenants/${tenantId}/models/${version}.json`;
const kvKey = (tenantId: string, version: string) => `model:${tenantId}:${version}`;

export function createModelRegistry(db: Database, kv: KVNamespace, bucket: R2Bucket): ModelRegistry {
  const findModel = async (tenantId: string, version: string) =>
    (
      await db
        .select()
        .from(models)
        .where(and(eq(models.tenantId, tenantId), eq(models.version, version)))
        .limit(1)
    )[0] ?? null;
  const findChampion = async (tenantId: string) =>
    (
      await db
        .select()
        .from(models)
        .where(and(eq(models.tenantId, tenantId), eq(models.status, "champion")))
        .limit(1)
    )[0] ?? null;
  const remove = (tenantId: string, version: string) =>
    db.delete(models).where(and(eq(models.tenantId, tenantId), eq(models.version, version)));

  const activate = async (tenantId: string, version: string, audit?: AuditEntry) => {
    const now = Date.now();
    const [previous, target] = await Promise.all([findChampion(tenantId), findModel(tenantId, version)]);
    if (!target) return null;
    const statements = [
      db
        .update(models)
        .set({ status: "retired" })
        .where(and(eq(models.tenantId, tenantId), eq(models.status, "champion"), ne(models.version, version))),
      db
        .update(models)
        .set({ status: "champion", activatedAt: now })
        .where(and(eq(models.tenantId, tenantId), eq(models.version, version))),
    ] as const;
    if (audit) {
      await db.batch([
        ...statements,
        db.insert(auditLog).values({
          tenantId,
          actor: audit.actor,
          action: audit.action,
          subject: version,
          detail: JSON.stringify({ previous: previous?.version ?? null, ...(audit.detail ?? {}) }),
          at: now,
        }),
      ]);
    } else {
      await db.batch(statements);
    }
    return findModel(tenantId, version);
  };

  return {
    findChampion,
    findModel,
    async findByRun(tenantId, runId) {
      const rows = await db
        .select()
        .from(models)
        .where(and(eq(models.tenantId, tenantId), eq(models.runId, runId)))
        .limit(1);
      return rows[0] ?? null;
    },

    async listModels(tenantId, limit) {
      return db
        .select()
        .from(models)
        .where(eq(models.tenantId, tenantId))
        .orderBy(desc(models.createdAt), desc(models.version))
        .limit(limit);
    },

    async highestNumberedVersion(tenantId) {
      const rows = await db
        .select({ n: sql<number | null>`max(CAST(substr(${models.version}, 2) AS INTEGER))` })
        .from(models)
        .where(and(eq(models.tenantId, tenantId), sql`${models.version} GLOB 'v[0-9]*'`));
      return rows[0]?.n ?? 0;
    },

    async readArtifact(record) {
      // Readers never write the KV copy (after a promotion every cold isolate would write the
      // same key, and KV takes one write per second per key): saveModel wrote it; R2 is the fallback.
      const cached = await kv.get(kvKey(record.tenantId, record.version));
      if (cached !== null) return cached;
      const object = await bucket.get(record.artifactKey);
      return object ? object.text() : null;
    },

    async saveModel(record, artifactText, audit) {
      const key = artifactKey(record.tenantId, record.version);
      const claimed = await db
        .insert(models)
        .values({
          ...record,
          status: record.status === "champion" ? "candidate" : record.status,
          artifactKey: key,
          activatedAt: null,
        })
        .onConflictDoNothing()
        .returning({ version: models.version });
      if (claimed.length === 0) return null;
      try {
        const stored = await bucket.put(key, artifactText, {
          httpMetadata: { contentType: "application/json" },
          customMetadata: { checksum: record.checksum },
          onlyIf: { etagDoesNotMatch: "*" },
        });
        if (stored === null) {
          // An object is there already (written outside the registry): keep it, refuse the name.
          const existing = await bucket.head(key);
          if (existing?.customMetadata?.checksum !== record.checksum) {
            await remove(record.tenantId, record.version);
            return null;
          }
        }
        await kv.put(kvKey(record.tenantId, record.version), artifactText);
      } catch (error) {
        await remove(record.tenantId, record.version);
        throw error;
      }
      if (record.status === "champion") return activate(record.tenantId, record.version, audit);
      if (audit) {
        await db.insert(auditLog).values({
          tenantId: record.tenantId,
          actor: audit.actor,
          action: audit.action,
          subject: record.version,
          detail: audit.detail === undefined ? null : JSON.stringify(audit.detail),
          at: Date.now(),
        });
      }
      return findModel(record.tenantId, record.version);
    },

    activate,

    async recordHoldout(tenantId, measures) {
      if (measures.length === 0) return;
      // One statement: the measures travel as one JSON object keyed by version.
      const byVersion = JSON.stringify(Object.fromEntries(measures.map(({ version, ...m }) => [version, m])));
      const path = sql`'$."' || ${models.version} || '"'`;
      await db
        .update(models)
        .set({ holdout: sql`json_extract(${byVersion}, ${path})` })
        .where(and(eq(models.tenantId, tenantId), sql`json_extract(${byVersion}, ${path}) IS NOT NULL`));
    },

    async recordClassNames(tenantId, names) {
      if (names.length === 0) return;
      // As recordHoldout: one statement, the texts keyed by version in one JSON object.
      const byVersion = JSON.stringify(Object.fromEntries(names.map((n) => [n.version, n.classNames])));
      const path = sql`'$."' || ${models.version} || '"'`;
      await db
        .update(models)
        .set({ classNames: sql`json_extract(${byVersion}, ${path})` })
        .where(
          and(
            eq(models.tenantId, tenantId),
            isNull(models.classNames),
            sql`json_extract(${byVersion}, ${path}) IS NOT NULL`,
          ),
        );
    },
  };
}
