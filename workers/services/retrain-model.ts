// Flow 6: one run at a time (a D1 lease), skipped when there is too little new feedback
// unless forced; otherwise train a challenger on base data plus feedback, judge it against
// the champion on the same holdout, promote it only through the gate. Every run is recorded
// in training_runs with its figures, decision and duration; a failed run changes nothing.
import { desc, gt, inArray, sql } from "drizzle-orm";
import {
  buildArtifact,
  compileModel,
  computeMetrics,
  decidePromotion,
  scoreMatrix,
  trainSvm,
  type Hyperparameters,
  type LinearModel,
  type Metrics,
  type TrainOptions,
} from "../../model/index.ts";
import { auditLog, feedback, models, trainingRuns } from "../db/schema.ts";
import { newId } from "../codecs/ids.ts";
import type { Adapters } from "../adapters/index.ts";
import { buildTrainingSet, type TrainingSet } from "./build-training-set.ts";
import { registerModel } from "./register-model.ts";
import { loadVersion, refreshChampionSoon } from "./serving-model.ts";

export interface RetrainRequest {
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

const LOCK_TTL_MS = 10 * 60 * 1000;

export type RetrainConfig = Pick<Env, "RETRAIN_MIN_FEEDBACK" | "PROMOTION_MAX_DROP" | "PROMOTION_FLOOR">;

export async function retrainModel(
  adapters: Adapters,
  config: RetrainConfig,
  request: RetrainRequest,
): Promise<RetrainOutcome> {
  const holder = newId("run");
  const now = request.now ?? Date.now();
  if (!(await adapters.locks.acquire("retrain", holder, LOCK_TTL_MS, now))) {
    return { runId: null, status: "busy", reason: "another retraining run is in progress" };
  }
  const started = Date.now();
  try {
    const since = await lastTrainedAt(adapters);
    const fresh = await countFeedbackSince(adapters, since);
    const needed = Number(config.RETRAIN_MIN_FEEDBACK);
    if (!request.force && fresh < needed) {
      const reason = `${fresh} new labels since the last run; ${needed} needed`;
      await recordRun(adapters, holder, request.trigger, "skipped", reason, started, { newFeedback: fresh });
      return { runId: holder, status: "skipped", reason };
    }
    try {
      return await trainAndGate(adapters, config, holder, request.trigger, started, fresh);
    } catch (error) {
      const reason = `training failed: ${(error as Error).message}`;
      console.error(reason, error);
      await recordRun(adapters, holder, request.trigger, "failed", reason, started, { newFeedback: fresh });
      return { runId: holder, status: "failed", reason };
    }
  } finally {
    await adapters.locks.release("retrain", holder);
  }
}

async function trainAndGate(
  adapters: Adapters,
  config: RetrainConfig,
  runId: string,
  trigger: RetrainRequest["trigger"],
  started: number,
  newFeedback: number,
): Promise<RetrainOutcome> {
  const base = await adapters.datasets.readBase();
  if (!base) throw new Error("there is no base dataset in R2 (datasets/base.csv); run the seed or publish one");
  const set = await buildTrainingSet(adapters, base);
  if (set.holdout.y.length === 0 || set.train.y.length === 0)
    throw new Error("too few rows to split into train and holdout");

  const championRecord = await adapters.models.findChampion();
  const champion = championRecord ? await loadVersion(adapters.models, championRecord.version) : null;
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

  const version = await nextVersion(adapters);
  const artifact = await buildArtifact({
    version,
    parentVersion: championRecord?.version ?? null,
    data: set.train,
    result,
    metrics: { ...challengerScore.all, measuredOn: { method: "holdout", rows: set.holdout.y.length } },
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
  await registerModel(adapters, artifact, {
    status: decision.promote ? "champion" : "rejected",
    source: "retrain",
    fingerprint: set.fingerprint,
    gate,
  });
  // This isolate serves the new champion at once; others re-read the pointer within seconds.
  if (decision.promote) refreshChampionSoon();
  const status = decision.promote ? "promoted" : "rejected";
  const details = {
    ...set.stats,
    newFeedback,
    trainRows: set.train.y.length,
    iterations: result.iterations,
    converged: result.converged,
    gate,
    durationMs: Date.now() - started,
  };
  await recordRun(adapters, runId, trigger, status, decision.reason, started, details, {
    championVersion: championRecord?.version ?? null,
    challengerVersion: version,
  });
  await adapters.db.insert(auditLog).values({
    actor: `retrain:${trigger}`,
    action: decision.promote ? "model.promoted" : "model.rejected",
    subject: version,
    detail: JSON.stringify(gate),
    at: Date.now(),
  });
  return { runId, status, reason: decision.reason, challengerVersion: version, details };
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

async function nextVersion(adapters: Adapters): Promise<string> {
  const rows = await adapters.db.select({ n: sql<number>`count(*)` }).from(models);
  return `v${(rows[0]?.n ?? 0) + 1}`;
}

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((name, i) => name === b[i]);
const countOnes = (flags: Uint8Array) => flags.reduce((sum, f) => sum + f, 0);

async function lastTrainedAt(adapters: Adapters): Promise<number> {
  const rows = await adapters.db
    .select({ startedAt: trainingRuns.startedAt })
    .from(trainingRuns)
    .where(inArray(trainingRuns.status, ["promoted", "rejected"]))
    .orderBy(desc(trainingRuns.startedAt))
    .limit(1);
  return rows[0]?.startedAt ?? 0;
}

async function countFeedbackSince(adapters: Adapters, since: number): Promise<number> {
  const rows = await adapters.db
    .select({ n: sql<number>`count(*)` })
    .from(feedback)
    .where(gt(feedback.receivedAt, since));
  return rows[0]?.n ?? 0;
}

async function recordRun(
  adapters: Adapters,
  id: string,
  trigger: RetrainRequest["trigger"],
  status: "skipped" | "promoted" | "rejected" | "failed",
  reason: string,
  startedAt: number,
  details: Record<string, unknown>,
  versions: { championVersion: string | null; challengerVersion: string | null } = {
    championVersion: null,
    challengerVersion: null,
  },
): Promise<void> {
  await adapters.db.insert(trainingRuns).values({
    id,
    trigger,
    status,
    reason,
    ...versions,
    details: JSON.stringify(details),
    startedAt,
    finishedAt: Date.now(),
  });
}
