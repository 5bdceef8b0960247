// Flow 6, a tenant's retrain, as a sequence of named steps: begin (the lease, the skip rule, the run
// record) → plan (base shards, the champion's hyperparameters) → compaction pieces → training
// slices → evaluate → register → finish. Each step returns JSON and may be run again from the same
// input after a crash; `step` decides how steps run: the Workflow (workflows/retrain-workflow.ts)
// checkpoints each result and resumes after the last one, runInline runs them back to back (tests,
// the benchmark). A failure anywhere ends the run recorded as failed with its reason, its shards
// deleted and its lease released; only the register step changes the registry.
import type { Adapters } from "../../adapters/index.ts";
import { PermanentError } from "../permanent-error.ts";
import { loadVersion } from "../serving-model.ts";
import {
  compactionDone,
  compactionStage,
  compactionTotals,
  compactStep,
  PARTITION_ROWS,
  planCompaction,
  type Compaction,
} from "./compaction.ts";
import { evaluateChallenger } from "./evaluate.ts";
import { ensureBaseShards } from "./labelled-frames.ts";
import { hyperparametersOf, registerChallenger } from "./register.ts";
import {
  configInt,
  RETRAIN_LEASE_MS,
  type RetrainConfig,
  type RetrainOutcome,
  type RetrainRequest,
} from "./run-config.ts";
import {
  ROWS_PER_STEP,
  startTraining,
  trainingStage,
  trainResultOf,
  trainStep,
  type Training,
  type TrainingInput,
} from "./training-steps.ts";

/** Runs one named step: its result may be a checkpoint returned again instead of running it. */
export type StepRunner = <T>(name: string, run: () => Promise<T>) => Promise<T>;

export const runInline: StepRunner = (_name, run) => run();

export interface RunClock {
  /** CPU time in ms where the platform shows it (Node); absent in Workers. */
  cpuMs?: () => number;
}

interface Timed<T> {
  value: T;
  ms: number;
  cpuMs: number | null;
}

export interface StepTiming {
  name: string;
  ms: number;
  cpuMs: number | null;
}

const ABANDONED = "the run stopped without recording an outcome (its isolate was killed or ran out of time)";

type Begun = { status: "started"; fresh: number } | { status: "busy" | "skipped"; reason: string };

export async function runRetrain(
  adapters: Adapters,
  config: RetrainConfig,
  request: RetrainRequest & { runId: string; startedAt: number },
  step: StepRunner,
  clock: RunClock = {},
): Promise<RetrainOutcome> {
  const { tenantId, runId, startedAt } = request;
  const lease = `retrain:${tenantId}`;
  const timings: StepTiming[] = [];
  // Each step renews the lease before its work and reports its own time, kept in its checkpoint.
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const done = await step<Timed<T>>(name, async () => {
      if (!(await adapters.locks.renew(lease, runId, RETRAIN_LEASE_MS))) {
        throw new PermanentError("the run lost its lease to another run (it paused longer than the lease)");
      }
      const [wall, cpu] = [Date.now(), clock.cpuMs?.()];
      const value = await run();
      return { value, ms: Date.now() - wall, cpuMs: cpu === undefined ? null : (clock.cpuMs?.() ?? 0) - cpu };
    });
    timings.push({ name, ms: done.ms, cpuMs: done.cpuMs });
    return done.value;
  };

  const begun = await step<Begun>("begin", () => beginRun(adapters, config, request));
  if (begun.status !== "started") return { runId: begun.status === "busy" ? null : runId, ...begun };

  try {
    const plan = await timed("plan", async () => {
      const base = await ensureBaseShards(adapters, tenantId);
      if (!base) {
        throw new PermanentError(
          "this tenant has no base dataset; publish a model with its dataset (npm run train -- --publish)",
        );
      }
      const champion = await adapters.models.findChampion(tenantId);
      const model = champion ? await loadVersion(adapters.models, tenantId, champion.version) : null;
      const labels = await adapters.runs.countFeedbackSince(tenantId, -1);
      return {
        compaction: planCompaction(runId, base, labels, configInt(config.RETRAIN_PARTITION_ROWS, PARTITION_ROWS)),
        options: model ? hyperparametersOf(model.artifact.hyperparameters) : {},
        parentVersion: champion?.version ?? null,
        // The challenger learns the champion's labels, so it keeps their names.
        classNames: model?.artifact.classNames ?? null,
      };
    });
    let compaction: Compaction = plan.compaction;
    while (!compactionDone(compaction)) {
      const current = compaction;
      compaction = await timed(`compact: ${compactionStage(current)}`, () => compactStep(adapters, tenantId, current));
    }
    const totals = await compactionTotals(compaction);
    if (totals.holdoutRows === 0 || totals.trainRows === 0) {
      throw new PermanentError("too few rows to split into train and holdout");
    }

    const input: TrainingInput = {
      setId: compaction.setId,
      featureNames: compaction.featureNames,
      shardRows: compaction.parts.map((p) => p.train),
      options: plan.options,
      rowsPerStep: configInt(config.RETRAIN_ROWS_PER_STEP, ROWS_PER_STEP),
    };
    let training: Training = startTraining(input);
    while (training.stage !== "done") {
      const current = training;
      training = await timed(`train: ${trainingStage(current)}`, () =>
        trainStep(adapters.shards, tenantId, input, current),
      );
    }
    const trained = training;
    const evaluation = await timed("evaluate", () =>
      evaluateChallenger(adapters, config, tenantId, {
        setId: compaction.setId,
        partitions: compaction.partitions,
        featureNames: compaction.featureNames,
        holdoutRows: totals.holdoutRows,
        trainRows: totals.trainRows,
        trainOnes: totals.trainOnes,
        challenger: trained.model,
      }),
    );
    const version = await timed("register", () =>
      registerChallenger(adapters, {
        tenantId,
        runId,
        trigger: request.trigger,
        startedAt,
        parentVersion: plan.parentVersion,
        // A checkpoint from before class names were planned has none.
        classNames: plan.classNames ?? null,
        fingerprint: totals.fingerprint,
        result: trainResultOf(trained, plan.options),
        evaluation,
      }),
    );
    const status = evaluation.promote ? "promoted" : "rejected";
    const { fingerprint: _fingerprint, trainOnes: _ones, ...figures } = totals;
    const outcome: RetrainOutcome = {
      runId,
      status,
      reason: evaluation.gate.reason,
      challengerVersion: version,
      details: {
        ...figures,
        newFeedback: begun.fresh,
        iterations: trained.iterations,
        converged: trained.converged,
        passes: trained.passes,
        gate: evaluation.gate,
        ...stepFigures(timings),
      },
    };
    return await step("finish", () => finishRun(adapters, tenantId, compaction.setId, outcome, startedAt));
  } catch (error) {
    // A Workflow hands back a step's error with its class name in the message; the reason is the cause.
    const reason = `training failed: ${(error as Error).message.replace(/^(NonRetryableError|Error): /, "")}`;
    console.error(`retrain ${tenantId} ${runId}: ${reason}`);
    const outcome: RetrainOutcome = {
      runId,
      status: "failed",
      reason,
      details: { newFeedback: begun.fresh, ...stepFigures(timings) },
    };
    return await step("fail", () => finishRun(adapters, tenantId, runId, outcome, startedAt));
  }
}

async function beginRun(
  adapters: Adapters,
  config: RetrainConfig,
  request: RetrainRequest & { runId: string; startedAt: number },
): Promise<Begun> {
  const { tenantId, runId, startedAt } = request;
  const lease = `retrain:${tenantId}`;
  const now = request.now ?? Date.now();
  // renew: this step run again after a crash finds its own lease.
  const held =
    (await adapters.locks.acquire(lease, runId, RETRAIN_LEASE_MS, now)) ||
    (await adapters.locks.renew(lease, runId, RETRAIN_LEASE_MS, now));
  if (!held) return { status: "busy", reason: "another retraining run of this tenant is in progress" };
  // Holding the lease, any run still "running" past the lease's life is one that died.
  await adapters.runs.closeAbandoned(tenantId, startedAt - RETRAIN_LEASE_MS, ABANDONED);
  const mine = (await adapters.runs.listRuns(tenantId, 5)).find((r) => r.id === runId);
  if (mine?.status === "running")
    return { status: "started", fresh: Number(JSON.parse(mine.details ?? "{}").newFeedback ?? 0) };
  const since = await adapters.runs.lastTrainedAt(tenantId);
  const fresh = await adapters.runs.countFeedbackSince(tenantId, since);
  const needed = Number(config.RETRAIN_MIN_FEEDBACK);
  if (!request.force && fresh < needed) {
    const reason = `${fresh} new labels since the last run; ${needed} needed`;
    if (!mine) {
      await adapters.runs.record(tenantId, runId, request.trigger, startedAt, {
        status: "skipped",
        reason,
        details: { newFeedback: fresh },
      });
    }
    await adapters.locks.release(lease, runId);
    return { status: "skipped", reason };
  }
  // Recorded before training, so a run that dies mid-way is visible (and closed by the next run).
  await adapters.runs.start(tenantId, runId, request.trigger, startedAt);
  return { status: "started", fresh };
}

/** Records the outcome, deletes the run's shards and releases the lease; safe to run again. */
async function finishRun(
  adapters: Adapters,
  tenantId: string,
  setId: string,
  outcome: RetrainOutcome,
  startedAt: number,
): Promise<RetrainOutcome> {
  const runId = outcome.runId as string;
  const details: Record<string, unknown> = { ...outcome.details, durationMs: Date.now() - startedAt };
  await adapters.runs.finish(runId, {
    status: outcome.status as "promoted" | "rejected" | "failed",
    reason: outcome.reason ?? "",
    details,
    championVersion: (details.gate as { championVersion?: string | null } | undefined)?.championVersion,
    challengerVersion: outcome.challengerVersion ?? null,
  });
  await adapters.shards.deleteSet(tenantId, setId);
  await adapters.locks.release(`retrain:${tenantId}`, runId);
  return { ...outcome, details };
}

/** The steps' count, their largest wall and CPU times, and each step's figures. */
function stepFigures(timings: readonly StepTiming[]) {
  const cpu = timings.map((t) => t.cpuMs).filter((ms): ms is number => ms !== null);
  return {
    steps: timings.length,
    maxStepMs: Math.max(0, ...timings.map((t) => t.ms)),
    maxStepCpuMs: cpu.length === 0 ? null : Math.max(...cpu),
    stepTimes: timings,
  };
}
