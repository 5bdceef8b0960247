// Model versions: immutable artifacts in R2 (models/<version>.json), the registry and the
// champion in D1, and per-version copies in KV for fast cold starts. A version is claimed in D1
// first (its primary key is the claim), so two writers of one name cannot both proceed; the
// artifact is then written to R2 only if absent, so a registered artifact is never overwritten.
// A version's artifact never changes, so its KV copy can never be stale; only the champion
// pointer moves, and that is read from D1.
import { and, desc, eq, ne, sql } from "drizzle-orm";
import { auditLog, models } from "../db/schema.ts";
import type { Database } from "./database.ts";

export type ModelRecord = typeof models.$inferSelect;
export type NewModelRecord = Omit<typeof models.$inferInsert, "artifactKey" | "activatedAt">;
export interface AuditEntry {
  tenantId: string | null;
  actor: string;
  action: string;
  detail?: unknown;
}

export interface ModelRegistry {
  findChampion(): Promise<ModelRecord | null>;
  findModel(version: string): Promise<ModelRecord | null>;
  listModels(limit: number): Promise<ModelRecord[]>;
  /** The largest N of the versions named "v<N>" (0 when there is none). */
  highestNumberedVersion(): Promise<number>;
  /** The stored artifact text of a version, from KV or else R2; null when absent. */
  readArtifact(version: string): Promise<string | null>;
  /**
   * Claims the version (its D1 row, never as champion), then stores the artifact in R2 only if
   * absent, then in KV; a champion record is activated last. Returns null, having written
   * nothing, when the version name is taken. If storing fails the claim is withdrawn.
   */
  saveModel(record: NewModelRecord, artifactText: string, audit?: AuditEntry): Promise<ModelRecord | null>;
  /** Makes a stored version the champion (promotion or rollback) and audits it, in one D1 transaction. */
  activate(version: string, audit?: AuditEntry): Promise<ModelRecord | null>;
  updateStatus(version: string, status: ModelRecord["status"], gate?: unknown): Promise<void>;
}

export const artifactKey = (version: string) => `models/${version}.json`;
const kvKey = (version: string) => `model:${version}`;

export function createModelRegistry(db: Database, kv: KVNamespace, bucket: R2Bucket): ModelRegistry {
  const findModel = async (version: string) =>
    (await db.select().from(models).where(eq(models.version, version)).limit(1))[0] ?? null;

  const activate = async (version: string, audit?: AuditEntry) => {
    const now = Date.now();
    const previous = await db.select({ version: models.version }).from(models).where(eq(models.status, "champion"));
    const target = await findModel(version);
    if (!target) return null;
    const statements = [
      db
        .update(models)
        .set({ status: "retired" })
        .where(and(eq(models.status, "champion"), ne(models.version, version))),
      db.update(models).set({ status: "champion", activatedAt: now }).where(eq(models.version, version)),
    ] as const;
    if (audit) {
      await db.batch([
        ...statements,
        db.insert(auditLog).values({
          tenantId: audit.tenantId,
          actor: audit.actor,
          action: audit.action,
          subject: version,
          detail: JSON.stringify({ previous: previous[0]?.version ?? null, ...(audit.detail ?? {}) }),
          at: now,
        }),
      ]);
    } else {
      await db.batch(statements);
    }
    return findModel(version);
  };

  return {
    async findChampion() {
      return (await db.select().from(models).where(eq(models.status, "champion")).limit(1))[0] ?? null;
    },

    findModel,

    async listModels(limit) {
      return db.select().from(models).orderBy(desc(models.createdAt), desc(models.version)).limit(limit);
    },

    async highestNumberedVersion() {
      const rows = await db
        .select({ n: sql<number | null>`max(CAST(substr(${models.version}, 2) AS INTEGER))` })
        .from(models)
        .where(sql`${models.version} GLOB 'v[0-9]*'`);
      return rows[0]?.n ?? 0;
    },

    async readArtifact(version) {
      const cached = await kv.get(kvKey(version));
      if (cached !== null) return cached;
      const object = await bucket.get(artifactKey(version));
      if (!object) return null;
      const text = await object.text();
      await kv.put(kvKey(version), text);
      return text;
    },

    async saveModel(record, artifactText, audit) {
      const key = artifactKey(record.version);
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
            await db.delete(models).where(eq(models.version, record.version));
            return null;
          }
        }
        await kv.put(kvKey(record.version), artifactText);
      } catch (error) {
        await db.delete(models).where(eq(models.version, record.version));
        throw error;
      }
      if (record.status === "champion") return activate(record.version, audit);
      if (audit) {
        await db.insert(auditLog).values({
          tenantId: audit.tenantId,
          actor: audit.actor,
          action: audit.action,
          subject: record.version,
          detail: audit.detail === undefined ? null : JSON.stringify(audit.detail),
          at: Date.now(),
        });
      }
      return findModel(record.version);
    },

    activate,

    async updateStatus(version, status, gate) {
      await db
        .update(models)
        .set({ status, ...(gate === undefined ? {} : { gate: JSON.stringify(gate) }) })
        .where(eq(models.version, version));
    },
  };
}
