// Public views of registry rows and training runs.
import type { ModelDetail, ModelSummary, TrainingRun } from "../contract/api.ts";
import type { Artifact } from "../../model/index.ts";
import type { ModelRecord } from "../adapters/model-registry.ts";
import type { trainingRuns } from "../db/schema.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const parseObject = (text: string | null) => (text === null ? null : (JSON.parse(text) as Record<string, unknown>));

export function toModelSummary(record: ModelRecord): ModelSummary {
  return {
    version: record.version,
    status: record.status,
    champion: record.status === "champion",
    parentVersion: record.parentVersion,
    source: record.source,
    createdAt: new Date(record.createdAt).toISOString(),
    activatedAt: iso(record.activatedAt),
    trainingRows: record.trainingRows,
    featureNames: JSON.parse(record.featureNames) as string[],
    metrics: parseObject(record.metrics) ?? {},
    gate: parseObject(record.gate),
  };
}

export function toModelDetail(record: ModelRecord, artifact: Artifact): ModelDetail {
  return {
    ...toModelSummary(record),
    checksum: record.checksum,
    fingerprint: record.fingerprint,
    hyperparameters: artifact.hyperparameters,
    weights: artifact.weights,
    bias: artifact.bias,
    training: artifact.training,
  };
}

export function toTrainingRun(run: typeof trainingRuns.$inferSelect): TrainingRun {
  return {
    runId: run.id,
    trigger: run.trigger,
    status: run.status,
    reason: run.reason,
    championVersion: run.championVersion,
    challengerVersion: run.challengerVersion,
    details: parseObject(run.details),
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: iso(run.finishedAt),
  };
}
