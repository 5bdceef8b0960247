// The in-memory twin of dataset-store.ts. The real store records the base dataset's key on the
// tenant row, so a tenant that does not exist reads no base even after a write; the twin asks
// the tenants it is given (the memory key store) for the same answer. The CSV text is kept and
// parsed on read, as the R2 object is.
import { parseCsv } from "../../../model/index.ts";
import type { DatasetStore } from "../dataset-store.ts";

export interface TenantRegistry {
  hasTenant(tenantId: string): boolean;
}

export function createMemoryDatasetStore(tenants: TenantRegistry): DatasetStore {
  const bases = new Map<string, string>();
  const tags = new Map<string, number>();
  let writes = 0;
  return {
    async baseTag(tenantId) {
      const tag = tenants.hasTenant(tenantId) ? tags.get(tenantId) : undefined;
      return tag === undefined ? null : `write-${tag}`;
    },
    async readBase(tenantId) {
      const csv = tenants.hasTenant(tenantId) ? bases.get(tenantId) : undefined;
      return csv === undefined ? null : parseCsv(csv);
    },
    async writeBase(tenantId, csv) {
      // Stored whatever the tenant, as the R2 object is; only a tenant that exists can read it.
      bases.set(tenantId, csv);
      tags.set(tenantId, ++writes);
    },
  };
}
