// Public views of registry rows and training runs.
import {
  ModelMetrics,
  PromotionGate,
  RunWork,
  type ModelDetail,
  type ModelSummary,
  type TrainingRun,
} from "../contract/api.ts";
import { ClassNamesSchema, classNamesOf, type Artifact, type ClassNames } from "../../model/index.ts";
import type { ModelRecord } from "../adapters/model-registry.ts";
import type { RunRecord } from "../adapters/run-store.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const parseObject = (text: string | null) => (text === null ? null : (JSON.parse(text) as Record<string, unknown>));

/** Stored JSON text, or undefined when there is none or it is not JSON. */
function parseStored(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const StoredEvaluation = ModelMetrics.omit({ calibration: true });
const StoredCalibration = ModelMetrics.shape.calibration;

/**
 * A row's metrics: its evaluation when trained, with the calibration stored beside it (see
 * register-model.ts). A calibration that does not read is left out; an evaluation that does not
 * read leaves no metrics (null). Either way the listing is not failed by one odd row.
 */
function metricsOf(text: string): ModelSummary["metrics"] {
  const stored = parseStored(text);
  if (typeof stored !== "object" || stored === null || Array.isArray(stored)) return null;
  const { calibration, ...evaluation } = stored as Record<string, unknown>;
  const parsed = StoredEvaluation.safeParse(evaluation);
  if (!parsed.success) return null;
  const calibrated = StoredCalibration.safeParse(calibration);
  return calibrated.success && calibrated.data ? { ...parsed.data, calibration: calibrated.data } : parsed.data;
}

/** A row's gate, null when the version was not gated or its stored gate does not read. */
function gateOf(text: string | null): ModelSummary["gate"] {
  const parsed = PromotionGate.safeParse(parseStored(text));
  return parsed.success ? parsed.data : null;
}

/**
 * The class names stored on a registry row (register-model.ts); null for a row registered before
 * they were stored (or one whose text does not read), whose artifact has them.
 */
export function storedClassNames(record: Pick<ModelRecord, "classNames">): ClassNames | null {
  const parsed = ClassNamesSchema.safeParse(parseStored(record.classNames));
  return parsed.success ? parsed.data : null;
}

/**
 * A registry row's view. Its class names are the row's; `artifactNames` (the version's artifact's,
 * when the caller has them) stand in for a row without, and "0" and "1" when neither is known.
 */
export function toModelSummary(record: ModelRecord, artifactNames?: ClassNames): ModelSummary {
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
    classNames: storedClassNames(record) ?? artifactNames ?? ["0", "1"],
    metrics: metricsOf(record.metrics),
    holdout: holdoutOf(record.holdout),
    gate: gateOf(record.gate),
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
