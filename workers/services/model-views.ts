// Public views of registry rows and training runs.
import { RunWork, type ModelDetail, type ModelSummary, type TrainingRun } from "../contract/api.ts";
import { classNamesOf, type Artifact, type ClassNames } from "../../model/index.ts";
import type { ModelRecord } from "../adapters/model-registry.ts";
import type { RunRecord } from "../adapters/run-store.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const parseObject = (text: string | null) => (text === null ? null : (JSON.parse(text) as Record<string, unknown>));

/** A registry row's view; its class names come from its artifact (services/version-facts.ts). */
export function toModelSummary(record: ModelRecord, classNames: ClassNames): ModelSummary {
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
    classNames,
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
    ...toModelSummary(record, classNamesOf(artifact)),
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
/**
 * A run's view. A run still "running" is live while it holds the tenant's retrain lease (each of
 * its steps renews it, so a long Workflow run stays live); without the lease it stopped taking
 * steps, and shows as expired.
 */
export function toTrainingRun(run: RunRecord, leaseHolder: string | null): TrainingRun {
  const details = parseObject(run.details);
  const expired = run.status === "running" && run.id !== leaseHolder;
  return {
    runId: run.id,
    trigger: run.trigger,
    status: expired ? "expired" : run.status,
    reason: expired
      ? "no outcome was recorded and its lease expired: it stopped taking steps; the next run records it as failed"
      : run.reason,
    championVersion: run.championVersion,
    challengerVersion: run.challengerVersion,
    details,
    work: workOf(details),
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: iso(run.finishedAt),
  };
}

/** The run's work figures, when its record has them all (runs that trained). */
function workOf(details: Record<string, unknown> | null): RunWork | null {
  const parsed = RunWork.safeParse(details);
  return parsed.success ? parsed.data : null;
}
