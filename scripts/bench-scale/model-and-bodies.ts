// The tenant, its model and the batches: an admin key made on the fresh state, a 20-feature
// linear SVM trained here with model/ and published as the tenant's champion, and the eight
// request bodies the clients send (rows of the same generated data the model was trained on).
import { gzipSync, strToU8 } from "fflate";
import {
  buildArtifact,
  calibrateOutOfFold,
  crossValidate,
  formatCsv,
  generateClassification,
  selectRows,
  trainSvm,
  type Dataset,
} from "../../model/index.ts";
import { publishModel } from "../publish-model.ts";
import { run, sleep, state } from "./server.ts";
import { CLIENTS, FEATURES, ROWS_PER_BATCH, TRAIN_ROWS, WRANGLER } from "./settings.ts";

/** Migrates the fresh state and makes the key there, before the server opens it (one writer at a time). */
export async function createAdminKey(label = "bench:scale"): Promise<{ tenant: string; key: string }> {
  await run("migrations", [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  const tenant = `bench-${crypto.randomUUID().slice(0, 8)}`;
  const printed = await run(
    "keys create",
    ["scripts/keys.ts", "create", "--tenant", tenant, "--scopes", "ingest,read,admin", "--label", label],
    { EDGE_SVM_STATE_DIR: state },
  );
  // The key is printed alone on the last line.
  return { tenant, key: printed.trim().split("\n").at(-1)?.trim() ?? "" };
}

// Made on first use, so a bench that imports only createAdminKey or publishTrained skips it.
let generated: Dataset | null = null;
const benchData = (): Dataset =>
  (generated ??= generateClassification({
    rows: TRAIN_ROWS + CLIENTS * ROWS_PER_BATCH,
    features: FEATURES,
    informative: 8,
    redundant: 4,
    flip: 0.02,
    classSep: 1.2,
    seed: 20261202,
  }));

export function publishBenchModel(url: string, key: string): Promise<{ version: string; accuracy: number }> {
  const train = selectRows(
    benchData(),
    Array.from({ length: TRAIN_ROWS }, (_, i) => i),
  );
  return publishTrained(url, key, train);
}

/** Trains a linear SVM on `train` here, publishes it as the key's tenant's champion, waits until it serves. */
export async function publishTrained(
  url: string,
  key: string,
  train: Dataset,
): Promise<{ version: string; accuracy: number }> {
  const cv = crossValidate(train, { folds: 5 });
  const version = `bench-${Date.now()}`;
  const artifact = await buildArtifact({
    version,
    data: train,
    result: trainSvm(train),
    metrics: cv.metrics,
    ...calibrateOutOfFold(cv, train.y),
  });
  await publishModel({ url, key, artifact, dataset: formatCsv(train), activate: true });
  // Serving models are cached per isolate: wait until the Worker serves this one.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const me = (await (await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      model?: { version: string | null };
    };
    if (me.model?.version === version) return { version, accuracy: cv.metrics.accuracy };
    if (Date.now() > deadline) throw new Error(`the Worker does not serve ${version} 30 s after publishing it`);
    await sleep(200);
  }
}

/** Eight different 10,000-row bodies from the same distribution, values with 4 decimals. */
export function makeBodies(): Uint8Array[] {
  const data = benchData();
  return Array.from({ length: CLIENTS }, (_, b) => {
    const features: number[][] = [];
    for (let r = 0; r < ROWS_PER_BATCH; r++) {
      const offset = (TRAIN_ROWS + b * ROWS_PER_BATCH + r) * FEATURES;
      features.push(Array.from(data.x.subarray(offset, offset + FEATURES), (v) => Math.round(v * 1e4) / 1e4));
    }
    return gzipSync(strToU8(JSON.stringify({ features })));
  });
}
