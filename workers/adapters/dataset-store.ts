// Each tenant's base training set in R2 (tenants/<tenant>/datasets/base.csv): the data every
// retraining starts from, before feedback is added. Its key is recorded on the tenant, so a
// dataset written before tenancy (datasets/base.csv) stays where it is. CSV so that a user's own
// dataset can be published as it is.
import { eq } from "drizzle-orm";
import { parseCsv, type Dataset } from "../../model/index.ts";
import { tenants } from "../db/schema.ts";
import type { Database } from "./database.ts";

export interface DatasetStore {
  readBase(tenantId: string): Promise<Dataset | null>;
  writeBase(tenantId: string, csv: string): Promise<void>;
  /** A tag that changes whenever the base dataset is written (null when there is none). */
  baseTag(tenantId: string): Promise<string | null>;
}

export const baseDatasetKey = (tenantId: string) => `tenants/${tenantId}/datasets/base.csv`;

export function createDatasetStore(db: Database, bucket: R2Bucket): DatasetStore {
  const keyOf = async (tenantId: string) => {
    const rows = await db
      .select({ key: tenants.baseDatasetKey })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      .limit(1);
    return rows[0]?.key ?? null;
  };
  return {
    async readBase(tenantId) {
      const key = await keyOf(tenantId);
      if (!key) return null;
      const object = await bucket.get(key);
      return object ? parseCsv(await object.text()) : null;
    },
    async baseTag(tenantId) {
      const key = await keyOf(tenantId);
      const head = key ? await bucket.head(key) : null;
      // R2's etag is the content's MD5; with the upload time a rewrite of equal text still counts.
      return head ? `${head.etag}:${head.uploaded.getTime()}` : null;
    },
    async writeBase(tenantId, csv) {
      const key = baseDatasetKey(tenantId);
      await bucket.put(key, csv, { httpMetadata: { contentType: "text/csv" } });
      await db.update(tenants).set({ baseDatasetKey: key }).where(eq(tenants.id, tenantId));
    },
  };
}
