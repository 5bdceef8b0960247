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

/** The CSV text of a dataset, label column "class" last (what parseCsv reads back). */
export function formatDatasetCsv(data: Dataset): string {
  const d = data.featureNames.length;
  const lines = [[...data.featureNames, "class"].join(",")];
  for (let i = 0; i < data.y.length; i++) {
    lines.push([...data.x.subarray(i * d, i * d + d), data.y[i]].join(","));
  }
  return lines.join("\n") + "\n";
}
