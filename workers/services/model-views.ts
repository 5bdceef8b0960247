// Public views of registry rows and training runs.
import type { ModelDetail, ModelSummary, TrainingRun } from "../contract/api.ts";
import type { Artifact } from "../../model/index.ts";
import type { ModelRecord } from "../adapters/model-registry.ts";
import type { RunRecord } from "../adapters/run-store.ts";

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
    holdout: holdoutOf(record.holdout),
    gate: parseObject(record.gate),
  };
}

function holdoutOf(text: string | null): ModelSummary["holdout"] {
  if (text === null) return null;
  const value = JSON.parse(text) as { accuracy: number; rows: number; runId: string; measuredAt: number };
  return { ...value, measuredAt: new Date(value.measuredAt).toISOString() };
}

export function toModelDetail(record: ModelRecord, artifact: Artifact): ModelDetail {
  return {
    ...toModelSummary(record),
    calibration: artifact.calibration ?? null,
    checksum: record.checksum,
    fingerprint: record.fingerprint,
    hyperparameters: artifact.hyperparameters,
    weights: artifact.weights,
    bias: artifact.bias,
    training: artifact.training,
  };
}

/** A run still "running" after its lease ran out is shown as "expired": its isolate died. */
export function toTrainingRun(run: RunRecord, leaseMs: number, now = Date.now()): TrainingRun {
  const expired = run.status === "running" && run.startedAt + leaseMs < now;
  return {
    runId: run.id,
    trigger: run.trigger,
    status: expired ? "expired" : run.status,
    reason: expired
      ? `no outcome was recorded; its lease expired at ${new Date(run.startedAt + leaseMs).toISOString()}`
      : run.reason,
    championVersion: run.championVersion,
    challengerVersion: run.challengerVersion,
    details: parseObject(run.details),
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: iso(run.finishedAt),
  };
}
