// The model part of the /v1 contract: the registry (versions, gate, holdout figures), retraining,
// training runs, publishing and metrics. Re-exported by api.ts, the one entry of the contract.
import { z } from "zod";
import { CalibrationSchema, ClassNamesSchema } from "../../model/index.ts";
import { ModelMetrics, PromotionGate } from "./model-figures.ts";

export { ModelMetrics, PromotionGate } from "./model-figures.ts";

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
    // A union rather than .nullable(): the document generator drops the null of a nullable
    // reference to a component, while a union with null reads as anyOf [ref, null].
    metrics: z.union([ModelMetrics, z.null()]).meta({
      description:
        "The figures recorded when the version was trained; null for a row whose stored figures cannot be read",
    }),
    holdout: z
      .object({ accuracy: z.number(), rows: z.number().int(), runId: z.string(), measuredAt: z.string() })
      .nullable()
      .meta({
        description:
          "Accuracy on the tenant's latest holdout, measured for every version at each retrain, so versions compare on the same rows (null until a retrain has measured it).",
      }),
    gate: z.union([PromotionGate, z.null()]).meta({
      description: "Null for a version no retrain gated (seeded or published), or whose stored gate cannot be read",
    }),
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
    championVersion: z
      .string()
      .nullable()
      .meta({ description: "The champion the challenger was measured against (its parent version)" }),
    challengerVersion: z.string().nullable().meta({
      description:
        "The version the run trained; its hyperparameters and training summary are its model's (GET /v1/models/{version})",
    }),
    details: z.record(z.string(), z.unknown()).nullable().meta({
      description:
        "What the run recorded. A run that trained: data sizes (baseRows, feedbackRows, trainRows, holdoutRows), iterations, converged, passes, newFeedback, the gate's figures (gate: decision, reason, championVersion, championAccuracy, challengerAccuracy, their base-row accuracies, maxDrop, floor) and step times",
    }),
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

/** The longest history GET /v1/metrics/history reads, in UTC days. */
export const HISTORY_MAX_DAYS = 90;

/**
 * The most feature-bin counts GET /v1/metrics/history reads for drift (hours × versions ×
 * features × 10 bins): ≈16 MB as numbers in a 128 MB isolate, whatever the model's width. Four
 * features' bins of 90 days fit 23 versions scoring every hour; LIMITS.maxFeatures (1,000 features)
 * fit 200 hours of one version.
 */
export const HISTORY_DRIFT_BUDGET = 2_000_000;

/** The most features each day's drift names per version in GET /v1/metrics/history. */
export const HISTORY_DRIFT_FEATURES = 50;

export const MetricsHistoryQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(HISTORY_MAX_DAYS)
    .default(14)
    .meta({ description: "UTC days to read, today included" }),
});

const Counts = z.array(z.number().int());

export const MetricsDay = z
  .object({
    day: z.string().meta({ description: "The UTC day, YYYY-MM-DD", example: "2026-01-31" }),
    modelVersion: z.string(),
    batches: z.number().int().meta({
      description:
        "Batches completed that day. A batch scored by two versions (a promotion landed between its chunks) counts once, under one of them; its rows count under each",
    }),
    rows: z.number().int().meta({ description: "Rows this version scored" }),
    positives: z.number().int().meta({ description: "Rows it predicted 1" }),
    labelled: z.number().int().meta({ description: "Rows of this version whose latest label was given that day" }),
    correct: z.number().int().meta({ description: "Labelled rows whose label is what the model predicted" }),
    labelledPositives: z.number().int().meta({ description: "Labelled rows with true label 1" }),
    truePositives: z.number().int().meta({ description: "Labelled rows with true label 1 that were predicted 1" }),
    latency: Counts.meta({ description: "Batches per latency bucket (latencyBoundsMs)" }),
    latencyMsP50: z.number().nullable().meta({ description: "Upper bound of the bucket holding the median batch" }),
    latencyMsP95: z.number().nullable(),
    scores: Counts.meta({
      description:
        "Scored rows per margin bucket (scoreBounds); rows scored before margins were counted are in `rows` only",
    }),
  })
  .meta({ id: "MetricsDay" });

export const FeatureDriftDay = z
  .object({
    name: z.string(),
    psi: z.number().meta({ description: "Population Stability Index of the day's values against training" }),
    drifting: z.boolean().meta({ description: "PSI above 0.25, over at least 100 rows" }),
    live: z.array(z.number()).meta({
      description:
        "The day's share of values per training decile bin; training puts 10% in each bin by construction (its deciles are the bin edges)",
    }),
  })
  .meta({ id: "FeatureDriftDay" });

export const MetricsHistory = z
  .object({
    days: z.number().int(),
    from: z.string().meta({ description: "The first day read, YYYY-MM-DD (UTC)" }),
    driftFrom: z
      .string()
      .nullable()
      .meta({
        description: `The first day \`drift\` covers, YYYY-MM-DD (UTC): \`from\`, unless the window's feature bins exceed ${HISTORY_DRIFT_BUDGET.toLocaleString("en")} counts (hours × versions × features × 10 bins), when only the latest whole days that fit are read; null when not even today's fit`,
      }),
    to: z.string().meta({ description: "The last day read, today (UTC)" }),
    latencyBoundsMs: z.array(z.number()).meta({
      description: "Upper bounds of the latency buckets; the last bucket holds everything slower",
    }),
    scoreBounds: z.array(z.number()).meta({
      description:
        "Upper bounds of the margin buckets: bucket k holds margins in (bound k−1, bound k], the first ≤ the first bound, the last above the last",
    }),
    versions: z.array(
      z.object({
        modelVersion: z.string(),
        featureNames: z.array(z.string()),
        deciles: z.array(z.array(z.number())).meta({
          description:
            "Per feature, the training deciles [p0, p10, …, p100]: the edges of the bins drift counts in (both empty when the version's model is gone)",
        }),
      }),
    ),
    series: z.array(MetricsDay).meta({ description: "Per day and version with rollups, day then version" }),
    drift: z
      .array(
        z.object({
          day: z.string(),
          modelVersion: z.string(),
          rows: z.number().int(),
          features: z.array(FeatureDriftDay).meta({
            description: `At most ${HISTORY_DRIFT_FEATURES}, the same every day for a version, in its feature order: all of them when it has no more, else the ${HISTORY_DRIFT_FEATURES} with the highest PSI on any day of \`drift\` (ties to the earlier feature)`,
          }),
        }),
      )
      .meta({
        description: "Per day from `driftFrom` on and version that scored rows (and whose model is known)",
      }),
  })
  .meta({ id: "MetricsHistory" });
export type MetricsHistory = z.infer<typeof MetricsHistory>;
export type MetricsDay = z.infer<typeof MetricsDay>;
export type FeatureDriftDay = z.infer<typeof FeatureDriftDay>;

export const RunId = z
  .string()
  .regex(/^run_[0-9A-Za-z_-]{1,96}$/, "not a run id (they look like run_mx66usmo472d14379ac5)")
  .meta({ description: "A training run's id, from POST /v1/models/retrain or GET /v1/runs" });

export const RunListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: "Runs to list, newest first" }),
});

export const RunList = z.object({ runs: z.array(TrainingRun) }).meta({ id: "RunList" });
export type RunList = z.infer<typeof RunList>;

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
