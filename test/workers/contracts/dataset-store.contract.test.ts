// The dataset contract: a tenant's base training set reads back as the CSV it was written,
// parsed; it is the tenant's own; and a tenant that does not exist has none.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { CsvError, parseCsv } from "../../../model/index.ts";
import { createDatasetStore, type DatasetStore } from "../../../workers/adapters/dataset-store.ts";
import { createKeyStore } from "../../../workers/adapters/key-store.ts";
import { createMemoryDatasetStore } from "../../../workers/adapters/memory/dataset-store.ts";
import { createMemoryKeyStore } from "../../../workers/adapters/memory/key-store.ts";
import { describeContract, freshId, testDatabase } from "./contract.ts";

interface Fixture {
  datasets: DatasetStore;
  /** Makes a tenant (the base dataset's key lives on its row) and gives its id. */
  addTenant(): Promise<string>;
}

const BASE = "x1,x2,class\n0.5,1,1\n-2,3.25,0\n";
const OTHER = "a,class,b\n1,0,2\n";

describeContract<Fixture>(
  "DatasetStore",
  "d1+r2",
  () => {
    const db = testDatabase();
    const keys = createKeyStore(db, env.WEBHOOK_SECRETS_KEY);
    return {
      datasets: createDatasetStore(db, env.BUCKET),
      addTenant: async () => (await keys.ensureTenant(freshId("acme"))).id,
    };
  },
  () => {
    const keys = createMemoryKeyStore(env.WEBHOOK_SECRETS_KEY);
    return {
      datasets: createMemoryDatasetStore(keys),
      addTenant: async () => (await keys.ensureTenant(freshId("acme"))).id,
    };
  },
  (make) => {
    it("has no base for a new tenant", async () => {
      const { datasets, addTenant } = await make();
      expect(await datasets.readBase(await addTenant())).toBeNull();
    });

    it("reads back the base it wrote, parsed", async () => {
      const { datasets, addTenant } = await make();
      const tenantId = await addTenant();
      await datasets.writeBase(tenantId, BASE);
      const base = await datasets.readBase(tenantId);
      expect(base).toEqual(parseCsv(BASE));
      expect(base?.featureNames).toEqual(["x1", "x2"]);
    });

    it("tags the base, with a new tag at each write that changes it, and none without a base", async () => {
      const { datasets, addTenant } = await make();
      const tenantId = await addTenant();
      expect(await datasets.baseTag(tenantId)).toBeNull();
      await datasets.writeBase(tenantId, BASE);
      const first = await datasets.baseTag(tenantId);
      expect(first).toEqual(expect.any(String));
      expect(await datasets.baseTag(tenantId)).toBe(first);
      await datasets.writeBase(tenantId, OTHER);
      expect(await datasets.baseTag(tenantId)).not.toBe(first);
      expect(await datasets.baseTag(await addTenant())).toBeNull();
    });

    it("replaces a tenant's base when written again", async () => {
      const { datasets, addTenant } = await make();
      const tenantId = await addTenant();
      await datasets.writeBase(tenantId, BASE);
      await datasets.writeBase(tenantId, OTHER);
      expect(await datasets.readBase(tenantId)).toEqual(parseCsv(OTHER));
    });

    it("keeps each tenant's base its own", async () => {
      const { datasets, addTenant } = await make();
      const [a, b, c] = [await addTenant(), await addTenant(), await addTenant()];
      await datasets.writeBase(a, BASE);
      await datasets.writeBase(b, OTHER);
      expect(await datasets.readBase(a)).toEqual(parseCsv(BASE));
      expect(await datasets.readBase(b)).toEqual(parseCsv(OTHER));
      expect(await datasets.readBase(c)).toBeNull();
    });

    it("has no base for a tenant that does not exist, even after a write", async () => {
      const { datasets } = await make();
      const ghost = `ten_${freshId("ghost")}`;
      await datasets.writeBase(ghost, BASE);
      expect(await datasets.readBase(ghost)).toBeNull();
    });

    it("stores the text as given, so a base that is not a dataset is refused when read", async () => {
      const { datasets, addTenant } = await make();
      const tenantId = await addTenant();
      await datasets.writeBase(tenantId, "x1,label\n1,1\n");
      await expect(datasets.readBase(tenantId)).rejects.toThrow(CsvError);
    });
  },
);
