// The model part of the /v1 contract: the registry (versions, gate, holdout figures), retraining,
// training runs, publishing and metrics. Re-exported by api.ts, the one entry of the contract.
import { z } from "zod";
import { CalibrationSchema, ClassNamesSchema } from "../../model/index.ts";

export const RetrainRequest = z.object({ force: z.boolean().default(false) }).meta({ id: "RetrainRequest" });

export const RetrainResponse = z
  .object({
    runId: z.string().nullable(),
    status: z
      .enum(["skipped", "promoted", "rejected", "failed", "running"])
      .describe(
        '"running": the run goes on in its Workflow after the wait; GET /v1/metrics lists recent runs and how they ended.',
      ),
    reason: z.string().optional(),
    challengerVersion: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: "RetrainResponse" });
export type RetrainResponse = z.infer<typeof RetrainResponse>;

export const ModelStatus = z.enum(["champion", "candidate", "retired", "rejected"]);

/** What a model's labels 0 and 1 stand for, shown beside every label. */
export const ClassNames = ClassNamesSchema.meta({
  id: "ClassNames",
  description:
    'The names of labels 0 and 1 (index 0 names label 0): from the training CSV\'s label values or given to the trainer; "0" and "1" for a model that has none.',
  example: ["genuine", "forged"],
});

export const ModelSummary = z
  .object({
    version: z.string(),
    status: ModelStatus,
    champion: z.boolean(),
    parentVersion: z.string().nullable(),
    source: z.string(),
    createdAt: z.string(),
    activatedAt: z.string().nullable(),
    trainingRows: z.number().int(),
    featureNames: z.array(z.string()),
    classNames: ClassNames,
    metrics: z.record(z.string(), z.unknown()),
    holdout: z
      .object({ accuracy: z.number(), rows: z.number().int(), runId: z.string(), measuredAt: z.string() })
      .nullable()
      .meta({
        description:
          "Accuracy on the tenant's latest holdout, measured for every version at each retrain, so versions compare on the same rows (null until a retrain has measured it).",
      }),
    gate: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: "ModelSummary" });
export type ModelSummary = z.infer<typeof ModelSummary>;

export const ModelList = z.object({ models: z.array(ModelSummary) }).meta({ id: "ModelList" });

export const ModelDetail = ModelSummary.extend({
  calibration: CalibrationSchema.nullable().meta({
    description:
      "Platt scaling of the margins into probabilities, with log-loss, Brier score and reliability bins where it was fitted (null for a model without one).",
  }),
  checksum: z.string(),
  fingerprint: z.string(),
  hyperparameters: z.record(z.string(), z.unknown()),
  weights: z.array(z.number()),
  bias: z.number(),
  training: z.record(z.string(), z.unknown()),
}).meta({ id: "ModelDetail" });
export type ModelDetail = z.infer<typeof ModelDetail>;

/** What a run that trained did, from its record: sizes, passes over the shards and step times. */
export const RunWork = z
  .object({
    trainRows: z.number().int(),
    holdoutRows: z.number().int(),
    shards: z.number().int().describe("Hash partitions of the training set: train shards, holdout shards each"),
    passes: z.number().int().describe("Passes over the train shards, the moments pass included"),
    steps: z.number().int().describe("Workflow steps the run took, each checkpointed"),
    maxStepMs: z.number().describe("Wall time of the slowest step (Workers show no CPU time to code)"),
    durationMs: z.number(),
  })
  .meta({ id: "RunWork" });
export type RunWork = z.infer<typeof RunWork>;

export const TrainingRun = z
  .object({
    runId: z.string(),
    trigger: z.string(),
    status: z.string(),
    reason: z.string().nullable(),
    championVersion: z.string().nullable(),
    challengerVersion: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    work: RunWork.nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "TrainingRun" });
export type TrainingRun = z.infer<typeof TrainingRun>;

export const MetricsResponse = z
  .object({
    champion: z.string().nullable(),
    liveAccuracy: z.array(
      z.object({
        modelVersion: z.string(),
        labelled: z.number().int(),
        correct: z.number().int(),
        accuracy: z.number().nullable(),
      }),
    ),
    accuracyByDay: z.array(z.object({ day: z.string(), labelled: z.number().int(), correct: z.number().int() })),
    volume: z.object({
      batches24h: z.number().int(),
      rows24h: z.number().int(),
      feedback24h: z.number().int(),
      latencyMsP50: z
        .number()
        .nullable()
        .meta({ description: "Upper bound of the latency bucket (25, 50, 100 … ms) holding the median batch." }),
      latencyMsP95: z.number().nullable(),
    }),
    drift: z.object({
      modelVersion: z.string().nullable(),
      rows: z.number().int().meta({ description: "Rows the active model scored in the last 24 hours." }),
      features: z.array(z.object({ name: z.string(), psi: z.number(), drifting: z.boolean() })),
    }),
    runs: z.array(TrainingRun),
  })
  .meta({ id: "MetricsResponse" });
export type MetricsResponse = z.infer<typeof MetricsResponse>;

export const PublishModelRequest = z
  .object({
    artifact: z.unknown().meta({ description: "A sealed model artifact (npm run train writes one)." }),
    dataset: z
      .string()
      .optional()
      .meta({ description: "The training CSV; becomes the base dataset when the model is activated." }),
    activate: z.boolean().default(false),
  })
  .meta({ id: "PublishModelRequest" });
