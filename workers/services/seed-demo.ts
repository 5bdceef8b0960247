// What `npm start` needs to be useful on a fresh clone: a base dataset, a champion model
// trained on it, and a demo tenant. Idempotent: each part is created only when missing.
import {
  buildArtifact,
  calibrateOutOfFold,
  crossValidate,
  DEMO_CLASS_NAMES,
  formatCsv,
  generateDemoData,
  trainSvm,
} from "../../model/index.ts";
import type { Adapters } from "../adapters/index.ts";
import { newId, sha256Hex } from "../codecs/ids.ts";
import { registerModel } from "./register-model.ts";

export const DEMO_TENANT = "demo";
export const DEMO_SEED = { rows: 1500, seed: 2021 };

export async function seedDemo(adapters: Adapters): Promise<{ modelVersion: string; created: boolean }> {
  const tenant = await adapters.keys.ensureTenant(DEMO_TENANT);
  return seedTenantModel(adapters, tenant.id);
}

/** Gives a tenant the demo model and its data, unless it has a champion already. */
export async function seedTenantModel(
  adapters: Adapters,
  tenantId: string,
): Promise<{ modelVersion: string; created: boolean }> {
  const champion = await adapters.models.findChampion(tenantId);
  if (champion) return { modelVersion: champion.version, created: false };

  const data = generateDemoData(DEMO_SEED);
  const csv = formatCsv(data);
  if (!(await adapters.datasets.readBase(tenantId))) await adapters.datasets.writeBase(tenantId, csv);
  const started = Date.now();
  const evaluation = crossValidate(data, { folds: 5 });
  const result = trainSvm(data);
  const artifact = await buildArtifact({
    version: "seed-1",
    parentVersion: null,
    classNames: DEMO_CLASS_NAMES,
    data,
    result,
    metrics: evaluation.metrics,
    ...calibrateOutOfFold(evaluation, data.y),
  });
  const record = await registerModel(adapters, tenantId, artifact, {
    status: "champion",
    source: "seed",
    fingerprint: await sha256Hex(csv),
  });
  // seed-1 registered already but no champion (someone retired it): make it champion again.
  if (!record) await adapters.models.activate(tenantId, artifact.version);
  await adapters.runs.record(tenantId, newId("run"), "seed", started, {
    status: "promoted",
    reason: `first model, trained on ${data.y.length} rows of seeded demo data (5-fold accuracy ${(100 * evaluation.metrics.accuracy).toFixed(2)}%)`,
    challengerVersion: artifact.version,
    details: { baseRows: data.y.length, trainRows: data.y.length, iterations: result.iterations },
  });
  return { modelVersion: artifact.version, created: true };
}
