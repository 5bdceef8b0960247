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
}

export const baseDatasetKey = (tenantId: string) => `tenants/${tenantId}/datasets/base.csv`;

export function createDatasetStore(db: Database, bucket: R2Bucket): DatasetStore {
  return {
    async readBase(tenantId) {
      const rows = await db
        .select({ key: tenants.baseDatasetKey })
        .from(tenants)
        .where(eq(tenants.id, tenantId))
        .limit(1);
      const key = rows[0]?.key;
      if (!key) return null;
      const object = await bucket.get(key);
      return object ? parseCsv(await object.text()) : null;
    },
    async writeBase(tenantId, csv) {
      const key = baseDatasetKey(tenantId);
      await bucket.put(key, csv, { httpMetadata: { contentType: "text/csv" } });
      await db.update(tenants).set({ baseDatasetKey: key }).where(eq(tenants.id, tenantId));
    },
  };
}
