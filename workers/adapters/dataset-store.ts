// The base training set in R2 (datasets/base.csv): the data every retraining starts from,
// before feedback is added. CSV so that a user's own dataset can be published as it is.
import { parseCsv, type Dataset } from "../../model/index.ts";

export interface DatasetStore {
  readBase(): Promise<Dataset | null>;
  writeBase(csv: string): Promise<void>;
}

const BASE_KEY = "datasets/base.csv";

export function createDatasetStore(bucket: R2Bucket): DatasetStore {
  return {
    async readBase() {
      const object = await bucket.get(BASE_KEY);
      return object ? parseCsv(await object.text()) : null;
    },
    async writeBase(csv) {
      await bucket.put(BASE_KEY, csv, { httpMetadata: { contentType: "text/csv" } });
    },
  };
}
