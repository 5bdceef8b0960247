// The judging step of a retrain: the challenger, the champion and the tenant's recent versions
// scored on the run's holdout shards (read one at a time), the gate's decision, the challenger's
// Platt calibration on its holdout margins, and the training summary its artifact records
// (feature statistics from the sampled train rows). Everything returned is JSON.
import {
  calibrate,
  compileModel,
  computeFeatureStats,
  computeMetrics,
  decidePromotion,
  scoreMatrix,
  type Calibration,
  type CompiledModel,
  type LinearModel,
  type Metrics,
  type TrainingSummary,
} from "../../../model/index.ts";
import type { Adapters } from "../../adapters/index.ts";
import type { PromotionGate } from "../../contract/api.ts";
import { shardFromFrame } from "../stream-training.ts";
import { loadVersion } from "../serving-model.ts";
import type { RetrainConfig } from "./run-config.ts";
import { datasetOf } from "./labelled-frames.ts";

const REMEASURED_VERSIONS = 20;

export interface EvaluationInput {
  setId: string;
  partitions: number;
  featureNames: string[];
  holdoutRows: number;
  trainRows: number;
  trainOnes: number;
  challenger: LinearModel;
}

export interface Evaluation {
  /** Stored with the version (models.gate) and in the run's details; the contract declares it. */
  gate: PromotionGate;
  promote: boolean;
  metrics: Metrics;
  calibration: Calibration | null;
  training: TrainingSummary;
  /** Holdout accuracy of the tenant's recent versions with the same features (the challenger is added at registration). */
  measures: { version: string; accuracy: number }[];
}

/**
 * The holdout's labels and base marks, the margins of the models judged in full (challenger,
 * champion), and only the count of rows right for the others, filled shard by shard: memory is
 * 8 bytes per row per judged model, whatever the number of versions re-measured.
 */
class HoldoutScores {
  readonly y: Uint8Array;
  readonly isBase: Uint8Array;
  readonly margins: Float64Array[];
  readonly correct: number[];
  private readonly judged: readonly CompiledModel[];
  private readonly counted: readonly CompiledModel[];
  private filled = 0;
  constructor(rows: number, judged: readonly CompiledModel[], counted: readonly CompiledModel[]) {
    this.judged = judged;
    this.counted = counted;
    this.y = new Uint8Array(rows);
    this.isBase = new Uint8Array(rows);
    this.margins = judged.map(() => new Float64Array(rows));
    this.correct = counted.map(() => 0);
  }
  add(x: Float64Array, y: Uint8Array, rows: number, isBase: boolean) {
    if (this.filled + rows > this.y.length) throw new Error("the holdout holds more rows than the compaction counted");
    this.y.set(y, this.filled);
    this.isBase.fill(isBase ? 1 : 0, this.filled, this.filled + rows);
    this.judged.forEach((model, m) => this.margins[m].set(scoreMatrix(model, x).margins, this.filled));
    this.counted.forEach((model, m) => {
      const { labels } = scoreMatrix(model, x);
      for (let i = 0; i < rows; i++) this.correct[m] += Number(labels[i] === y[i]);
    });
    this.filled += rows;
  }
  /** Metrics of model m on all rows and on base rows only (null when there are none). */
  score(m: number): { all: Metrics; base: Metrics | null } {
    const base: number[] = [];
    this.isBase.forEach((flag, i) => flag && base.push(i));
    return {
      all: computeMetrics(this.y, this.margins[m]),
      base:
        base.length === 0
          ? null
          : computeMetrics(
              Uint8Array.from(base, (i) => this.y[i]),
              Float64Array.from(base, (i) => this.margins[m][i]),
            ),
    };
  }
  /** Accuracy of counted model m. */
  accuracy(m: number): number {
    return this.y.length === 0 ? 0 : this.correct[m] / this.y.length;
  }
}

export async function evaluateChallenger(
  adapters: Adapters,
  config: RetrainConfig,
  tenantId: string,
  input: EvaluationInput,
): Promise<Evaluation> {
  const names = input.featureNames.join(",");
  const championRecord = await adapters.models.findChampion(tenantId);
  const champion = championRecord ? await loadVersion(adapters.models, tenantId, championRecord.version) : null;
  const championComparable = champion !== null && champion.artifact.featureNames.join(",") === names;
  // Recent versions with the same features, the champion among them when it qualifies.
  const recent = [];
  for (const record of await adapters.models.listModels(tenantId, REMEASURED_VERSIONS)) {
    if ((JSON.parse(record.featureNames) as string[]).join(",") !== names) continue;
    const model = await loadVersion(adapters.models, tenantId, record.version).catch(() => null);
    if (model) recent.push({ version: record.version, compiled: compileModel(model.artifact) });
  }
  const models = [compileModel(input.challenger), ...(championComparable ? [compileModel(champion.artifact)] : [])];
  const scores = new HoldoutScores(
    input.holdoutRows,
    models,
    recent.map((r) => r.compiled),
  );
  const d = input.featureNames.length;
  for (let p = 0; p < input.partitions; p++) {
    for (const part of ["holdout", "holdout-base"] as const) {
      const frame = await adapters.shards.getShard(tenantId, input.setId, part, p);
      if (!frame) throw new Error(`${part} shard ${p} is missing`);
      const shard = shardFromFrame(frame, d);
      scores.add(shard.x, shard.y, shard.rows, part === "holdout-base");
    }
  }

  const challengerScore = scores.score(0);
  const championScore = championComparable ? scores.score(1) : null;
  const maxDrop = Number(config.PROMOTION_MAX_DROP);
  const floor = Number(config.PROMOTION_FLOOR);
  const decision = decidePromotion({
    champion: championScore && { all: championScore.all.accuracy, base: championScore.base?.accuracy ?? null },
    challenger: { all: challengerScore.all.accuracy, base: challengerScore.base?.accuracy ?? null },
    maxDrop,
    floor,
  });
  const gate: PromotionGate = {
    decision: decision.promote ? "promoted" : "rejected",
    reason: decision.reason,
    holdoutRows: input.holdoutRows,
    holdoutBaseRows: scores.isBase.reduce((n, f) => n + f, 0),
    championVersion: championRecord?.version ?? null,
    championAccuracy: championScore?.all.accuracy ?? null,
    championBaseAccuracy: championScore?.base?.accuracy ?? null,
    challengerAccuracy: challengerScore.all.accuracy,
    challengerBaseAccuracy: challengerScore.base?.accuracy ?? null,
    maxDrop,
    floor,
  };
  // Probabilities fitted on the challenger's holdout margins: rows it did not train on.
  const calibration = calibrate(scores.margins[0], scores.y, { method: "holdout", rows: input.holdoutRows });
  return {
    gate,
    promote: decision.promote,
    metrics: challengerScore.all,
    calibration: calibration ?? null,
    training: await summarizeTrain(adapters, tenantId, input),
    measures: recent.map((r, k) => ({ version: r.version, accuracy: scores.accuracy(k) })),
  };
}

/** Rows and classes from the compaction's counts; feature statistics from the sampled train rows. */
async function summarizeTrain(adapters: Adapters, tenantId: string, input: EvaluationInput): Promise<TrainingSummary> {
  const frames = [];
  for (let p = 0; p < input.partitions; p++) {
    const frame = await adapters.shards.getShard(tenantId, input.setId, "sample", p);
    if (!frame) throw new Error(`sample shard ${p} is missing`);
    frames.push(frame);
  }
  return {
    rows: input.trainRows,
    classCounts: { "0": input.trainRows - input.trainOnes, "1": input.trainOnes },
    featureStats: computeFeatureStats(datasetOf(input.featureNames, frames)),
  };
}
