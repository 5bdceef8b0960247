// The registering step of a retrain, safe to run again: a run registers at most one version (the
// registry refuses a second row with its run id), so a step retried after a crash finds the version
// it already claimed and only finishes what may be missing: the promotion and the holdout figures.
import { buildArtifact, type ClassNames, type Hyperparameters, type TrainResult } from "../../../model/index.ts";
import type { Adapters } from "../../adapters/index.ts";
import type { ModelRecord } from "../../adapters/model-registry.ts";
import { registerModel } from "../register-model.ts";
import { refreshChampionSoon } from "../serving-model.ts";
import type { Evaluation } from "./evaluate.ts";

const MAX_NAME_ATTEMPTS = 20;

export interface Registration {
  tenantId: string;
  runId: string;
  trigger: string;
  /** The run's start: the artifact's createdAt, so a retried step builds the same artifact. */
  startedAt: number;
  parentVersion: string | null;
  /** The parent's class names, which the new version keeps. */
  classNames: ClassNames | null;
  fingerprint: string;
  result: Pick<TrainResult, "model" | "hyperparameters" | "iterations" | "converged">;
  evaluation: Evaluation;
}

export async function registerChallenger(adapters: Adapters, r: Registration): Promise<string> {
  const { tenantId, runId, evaluation } = r;
  const { gate, promote } = evaluation;
  const audit = {
    actor: `retrain:${r.trigger}:${runId}`,
    action: promote ? "model.promoted" : "model.rejected",
    detail: gate,
  };
  let record: ModelRecord | null = await adapters.models.findByRun(tenantId, runId);
  // The name is claimed in the registry before anything is stored: a taken name (a published
  // "v3", or a run that outlived its lease) moves on to the next number, never overwrites.
  const first = (await adapters.models.highestNumberedVersion(tenantId)) + 1;
  for (let attempt = 0; record === null; attempt++) {
    if (attempt === MAX_NAME_ATTEMPTS) throw new Error(`no free version name from v${first} on`);
    const version = `v${first + attempt}`;
    const artifact = await buildArtifact({
      version,
      parentVersion: r.parentVersion,
      classNames: r.classNames,
      createdAt: new Date(r.startedAt),
      data: evaluation.training,
      result: r.result,
      metrics: { ...evaluation.metrics, measuredOn: { method: "holdout", rows: gate.holdoutRows } },
      ...(evaluation.calibration ? { calibration: evaluation.calibration } : {}),
    });
    record = await registerModel(adapters, tenantId, artifact, {
      status: promote ? "champion" : "rejected",
      source: "retrain",
      fingerprint: r.fingerprint,
      runId,
      gate,
      audit,
    });
    // Refused: the name is taken, or this run's version appeared meanwhile (a step run twice at once).
    record ??= await adapters.models.findByRun(tenantId, runId);
  }
  // A step cut short between claiming the version and promoting it promotes it now, once.
  if (promote && record.status === "candidate") await adapters.models.activate(tenantId, record.version, audit);
  // This isolate serves the new champion at once; others re-read the pointer within seconds.
  if (promote) refreshChampionSoon(tenantId);
  // Every version is reported on this holdout, so none looks worse than one it beat.
  const measuredAt = Date.now();
  const measures = [
    { version: record.version, accuracy: gate.challengerAccuracy },
    ...evaluation.measures.filter((m) => m.version !== record.version),
  ].map((m) => ({ ...m, rows: gate.holdoutRows, runId, measuredAt }));
  await adapters.models.recordHoldout(tenantId, measures);
  return record.version;
}

export function hyperparametersOf(h: Hyperparameters) {
  return {
    C: h.C,
    loss: h.loss,
    solver: h.solver,
    classWeight: h.classWeight,
    standardize: h.standardize,
    seed: h.seed,
    tol: h.tol,
    maxIter: h.maxIter,
  };
}
