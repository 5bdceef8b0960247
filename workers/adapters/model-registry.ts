// Model versions: immutable artifacts in R2 (models/<version>.json), the registry and the
// champion in D1, and per-version copies in KV for fast cold starts. A version's artifact
// never changes, so its KV copy can never be stale; only the champion pointer moves, and
// that is read from D1.
import { and, desc, eq, ne } from "drizzle-orm";
import { models } from "../db/schema.ts";
import type { Database } from "./database.ts";

export type ModelRecord = typeof models.$inferSelect;
export type NewModelRecord = Omit<typeof models.$inferInsert, "artifactKey" | "activatedAt">;

export interface ModelRegistry {
  findChampion(): Promise<ModelRecord | null>;
  findModel(version: string): Promise<ModelRecord | null>;
  listModels(limit: number): Promise<ModelRecord[]>;
  /** The stored artifact text of a version, from KV or else R2; null when absent. */
  readArtifact(version: string): Promise<string | null>;
  /** Stores the artifact (R2, then KV) and then its registry row; a champion row replaces the old champion. */
  saveModel(record: NewModelRecord, artifactText: string): Promise<ModelRecord>;
  /** Makes a stored version the champion (promotion or rollback) in one D1 transaction. */
  activate(version: string): Promise<ModelRecord | null>;
  updateStatus(version: string, status: ModelRecord["status"], gate?: unknown): Promise<void>;
}

export const artifactKey = (version: string) => `models/${version}.json`;
const kvKey = (version: string) => `model:${version}`;

export function createModelRegistry(db: Database, kv: KVNamespace, bucket: R2Bucket): ModelRegistry {
  const findModel = async (version: string) =>
    (await db.select().from(models).where(eq(models.version, version)).limit(1))[0] ?? null;

  return {
    async findChampion() {
      return (await db.select().from(models).where(eq(models.status, "champion")).limit(1))[0] ?? null;
    },

    findModel,

    async listModels(limit) {
      return db.select().from(models).orderBy(desc(models.createdAt), desc(models.version)).limit(limit);
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

    async saveModel(record, artifactText) {
      const key = artifactKey(record.version);
      await bucket.put(key, artifactText, {
        httpMetadata: { contentType: "application/json" },
        customMetadata: { checksum: record.checksum },
      });
      await kv.put(kvKey(record.version), artifactText);
      const now = Date.now();
      const row = { ...record, artifactKey: key, activatedAt: record.status === "champion" ? now : null };
      if (record.status === "champion") {
        await db.batch([
          db.update(models).set({ status: "retired" }).where(eq(models.status, "champion")),
          db.insert(models).values(row),
        ]);
      } else {
        await db.insert(models).values(row);
      }
      return (await findModel(record.version)) as ModelRecord;
    },

    async activate(version) {
      const target = await findModel(version);
      if (!target) return null;
      await db.batch([
        db
          .update(models)
          .set({ status: "retired" })
          .where(and(eq(models.status, "champion"), ne(models.version, version))),
        db.update(models).set({ status: "champion", activatedAt: Date.now() }).where(eq(models.version, version)),
      ]);
      return findModel(version);
    },

    async updateStatus(version, status, gate) {
      await db
        .update(models)
        .set({ status, ...(gate === undefined ? {} : { gate: JSON.stringify(gate) }) })
        .where(eq(models.version, version));
    },
  };
}
