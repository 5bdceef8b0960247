// Flow 6: one run at a time (a D1 lease), skipped when there is too little new feedback
// unless forced; otherwise train a challenger on base data plus feedback, judge it against
// the champion on the same holdout, promote it only through the gate. Every run is recorded
// in training_runs with its figures, decision and duration; a failed run changes nothing.
import {
  buildArtifact,
  calibrate,
  compileModel,
  computeMetrics,
  decidePromotion,
  scoreMatrix,
  trainSvm,
  type Calibration,
  type Hyperparameters,
  type LinearModel,
  type Metrics,
  type TrainOptions,
} from "../../model/index.ts";
import { newId } from "../codecs/ids.ts";
import type { Adapters } from "../adapters/index.ts";
import type { HoldoutMeasure } from "../adapters/model-registry.ts";
import type { RunOutcome } from "../adapters/run-store.ts";
import { buildTrainingSet, type TrainingSet } from "./build-training-set.ts";
import { registerModel } from "./register-model.ts";
import { loadVersion, refreshChampionSoon } from "./serving-model.ts";

export interface RetrainRequest {
  tenantId: string;
  trigger: "cron" | "api";
  force: boolean;
  now?: number;
}

export interface RetrainOutcome {
  runId: string | null;
  status: "skipped" | "promoted" | "rejected" | "failed" | "busy";
  reason?: string;
  challengerVersion?: string;
  details?: Record<string, unknown>;
}

export const RETRAIN_LEASE_MS = 10 * 60 * 1000;
const MAX_NAME_ATTEMPTS = 20;

export type RetrainConfig = Pick<Env, "RETRAIN_MIN_FEEDBACK" | "PROMOTION_MAX_DROP" | "PROMOTION_FLOOR">;

export async function retrainModel(
  adapters: Adapters,
  config: RetrainConfig,
  request: RetrainRequest,
): Promise<RetrainOutcome> {
  const { tenantId } = request;
  const holder = newId("run");
  const lease = `retrain:${tenantId}`;
  const now = request.now ?? Date.now();
  if (!(await adapters.locks.acquire(lease, holder, RETRAIN_LEASE_MS, now))) {
    return { runId: null, status: "busy", reason: "another retraining run of this tenant is in progress" };
  }
  const started = Date.now();
  try {
    // Holding the lease, any run still "running" past the lease's life is one whose isolate died.
    await adapters.runs.closeAbandoned(tenantId, started - RETRAIN_LEASE_MS, ABANDONED);
    const since = await adapters.runs.lastTrainedAt(tenantId);
    const fresh = await adapters.runs.countFeedbackSince(tenantId, since);
    const needed = Number(config.RETRAIN_MIN_FEEDBACK);
    if (!request.force && fresh < needed) {
      const reason = `${fresh} new labels since the last run; ${needed} needed`;
      await adapters.runs.record(tenantId, holder, request.trigger, started, {
        status: "skipped",
        reason,
        details: { newFeedback: fresh },
      });
      return { runId: holder, status: "skipped", reason };
    }
    // Recorded before training, so a run killed mid-way is visible (and closed by the next run).
    await adapters.runs.start(tenantId, holder, request.trigger, started);
    let outcome: RetrainOutcome;
    try {
      outcome = await trainAndGate(adapters, config, {
        tenantId,
        trigger: request.trigger,
        started,
        fresh,
        runId: holder,
      });
    } catch (error) {
      const reason = `training failed: ${(error as Error).message}`;
      console.error(reason, error);
      outcome = { runId: holder, status: "failed", reason, details: { newFeedback: fresh } };
    }
    await adapters.runs.finish(holder, {
      status: outcome.status as RunOutcome,
      reason: outcome.reason ?? "",
      details: outcome.details ?? {},
      championVersion: (outcome.details?.gate as { championVersion?: string | null } | undefined)?.championVersion,
      challengerVersion: outcome.challengerVersion ?? null,
    });
    return outcome;
  } finally {
    await adapters.locks.release(lease, holder);
  }
}

const ABANDONED = "the run stopped without recording an outcome (its isolate was killed or ran out of time)";

interface RunContext {
  tenantId: string;
  trigger: RetrainRequest["trigger"];
  started: number;
  /** Labels received since the last run that trained. */
  fresh: number;
  runId: string;
}

async function trainAndGate(adapters: Adapters, config: RetrainConfig, run: RunContext): Promise<RetrainOutcome> {
  const { tenantId, trigger, started, runId } = run;
  const base = await adapters.datasets.readBase(tenantId);
  if (!base)
    throw new Error("this tenant has no base dataset; publish a model with its dataset (npm run train -- --publish)");
  const set = await buildTrainingSet(adapters, tenantId, base);
  if (set.holdout.y.length === 0 || set.train.y.length === 0)
    throw new Error("too few rows to split into train and holdout");

  const championRecord = await adapters.models.findChampion(tenantId);
  const champion = championRecord ? await loadVersion(adapters.models, tenantId, championRecord.version) : null;
  const sameSchema = champion !== null && sameNames(champion.artifact.featureNames, base.featureNames);
  const options = champion ? hyperparametersOf(champion.artifact.hyperparameters) : {};
  const result = trainSvm(set.train, options);
  const challengerScore = scoreOnHoldout(result.model, set);
  const championScore = champion && sameSchema ? scoreOnHoldout(champion.artifact, set) : null;
  const decision = decidePromotion({
    champion: championScore && { all: championScore.all.accuracy, base: championScore.base?.accuracy ?? null },
    challenger: { all: challengerScore.all.accuracy, base: challengerScore.base?.accuracy ?? null },
    maxDrop: Number(config.PROMOTION_MAX_DROP),
    floor: Number(config.PROMOTION_FLOOR),
  });

  const gate = {
    decision: decision.promote ? "promoted" : "rejected",
    reason: decision.reason,
    holdoutRows: set.holdout.y.length,
    holdoutBaseRows: countOnes(set.holdoutIsBase),
    championVersion: championRecord?.version ?? null,
    championAccuracy: championScore?.all.accuracy ?? null,
    championBaseAccuracy: championScore?.base?.accuracy ?? null,
    challengerAccuracy: challengerScore.all.accuracy,
    challengerBaseAccuracy: challengerScore.base?.accuracy ?? null,
    maxDrop: Number(config.PROMOTION_MAX_DROP),
    floor: Number(config.PROMOTION_FLOOR),
  };
  // The name is claimed in the registry before anything is stored: a taken name (a published
  // "v3", or a run that outlived its lease) moves on to the next number, never overwrites.
  let version = "";
  const first = (await adapters.models.highestNumberedVersion(tenantId)) + 1;
  for (let attempt = 0; ; attempt++) {
    if (attempt === MAX_NAME_ATTEMPTS) throw new Error(`no free version name from v${first} on`);
    version = `v${first + attempt}`;
    const artifact = await buildArtifact({
      version,
      parentVersion: championRecord?.version ?? null,
      data: set.train,
      result,
      metrics: { ...challengerScore.all, measuredOn: { method: "holdout", rows: set.holdout.y.length } },
      // Probabilities fitted on the challenger's holdout margins: rows it did not train on.
      ...calibrationOn(result.model, set),
    });
    const registered = await registerModel(adapters, tenantId, artifact, {
      status: decision.promote ? "champion" : "rejected",
      source: "retrain",
      fingerprint: set.fingerprint,
      gate,
      audit: {
        actor: `retrain:${trigger}:${runId}`,
        action: decision.promote ? "model.promoted" : "model.rejected",
        detail: gate,
      },
    });
    if (registered) break;
  }
  // This isolate serves the new champion at once; others re-read the pointer within seconds.
  if (decision.promote) refreshChampionSoon(tenantId);
  // Every version is reported on this holdout, so none looks worse than one it beat.
  await remeasureVersions(adapters, tenantId, set, runId, {
    [version]: challengerScore.all.accuracy,
    ...(championRecord && championScore ? { [championRecord.version]: championScore.all.accuracy } : {}),
  });
  const status = decision.promote ? "promoted" : "rejected";
  const details = {
    ...set.stats,
    newFeedback: run.fresh,
    trainRows: set.train.y.length,
    iterations: result.iterations,
    converged: result.converged,
    gate,
    durationMs: Date.now() - started,
  };
  return { runId, status, reason: decision.reason, challengerVersion: version, details };
}

const REMEASURED_VERSIONS = 20;

/**
 * Scores the tenant's most recent versions with the same features on the holdout just built and
 * records each accuracy on its registry row. Accuracies measured in this run are passed in.
 */
async function remeasureVersions(
  adapters: Adapters,
  tenantId: string,
  set: TrainingSet,
  runId: string,
  known: Record<string, number>,
): Promise<void> {
  const names = set.holdout.featureNames.join(",");
  const recent = await adapters.models.listModels(tenantId, REMEASURED_VERSIONS);
  const measuredAt = Date.now();
  const rows = set.holdout.y.length;
  const measures: HoldoutMeasure[] = [];
  for (const record of recent) {
    if ((JSON.parse(record.featureNames) as string[]).join(",") !== names) continue;
    let accuracy = known[record.version];
    if (accuracy === undefined) {
      const model = await loadVersion(adapters.models, tenantId, record.version).catch(() => null);
      if (!model) continue;
      accuracy = scoreOnHoldout(model.artifact, set).all.accuracy;
    }
    measures.push({ version: record.version, accuracy, rows, runId, measuredAt });
  }
  await adapters.models.recordHoldout(tenantId, measures);
}

function calibrationOn(model: LinearModel, set: TrainingSet): { calibration?: Calibration } {
  const margins = scoreMatrix(compileModel(model), set.holdout.x).margins;
  const calibration = calibrate(margins, set.holdout.y, { method: "holdout", rows: set.holdout.y.length });
  return calibration ? { calibration } : {};
}

function scoreOnHoldout(model: LinearModel, set: TrainingSet): { all: Metrics; base: Metrics | null } {
  const margins = scoreMatrix(compileModel(model), set.holdout.x).margins;
  const baseRows: number[] = [];
  set.holdoutIsBase.forEach((isBase, i) => isBase && baseRows.push(i));
  return {
    all: computeMetrics(set.holdout.y, margins),
    base:
      baseRows.length === 0
        ? null
        : computeMetrics(
            Uint8Array.from(baseRows, (i) => set.holdout.y[i]),
            Float64Array.from(baseRows, (i) => margins[i]),
          ),
  };
}

function hyperparametersOf(h: Hyperparameters): TrainOptions {
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

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((name, i) => name === b[i]);
const countOnes = (flags: Uint8Array) => flags.reduce((sum, f) => sum + f, 0);
