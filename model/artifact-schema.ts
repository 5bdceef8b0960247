// The one schema module for a trained model and its stored artifact. Every shape a model
// value or an artifact can take is declared here once, in zod, and the TypeScript types are
// inferred from it, so the decoder and the compiler can never disagree.
import { z } from "zod";

export const ARTIFACT_FORMAT = "edge-svm/linear-svm";
export const ARTIFACT_FORMAT_VERSION = 1;

// zod 4's z.number() already refuses NaN and ±Infinity.
const count = z.int().nonnegative();
const fraction = z.number().min(0).max(1);

export const LossSchema = z.enum(["hinge", "squared-hinge"]);
export const SolverSchema = z.enum(["newton", "dcd"]);
export const ClassWeightSchema = z.union([
  z.null(),
  z.literal("balanced"),
  z.strictObject({ "0": z.number().positive(), "1": z.number().positive() }),
]);

/** Hyperparameters as resolved by the trainer: defaults filled in, solver no longer "auto". */
export const HyperparametersSchema = z.strictObject({
  C: z.number().positive(),
  loss: LossSchema,
  solver: SolverSchema,
  classWeight: ClassWeightSchema,
  standardize: z.boolean(),
  seed: z.int().min(0).max(0xffffffff),
  tol: z.number().positive(),
  maxIter: z.int().positive(),
});

export const VersionSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, "a version is 1–64 characters of A–Z, a–z, 0–9, '.', '_' or '-'");

export const FeatureNamesSchema = z
  .array(z.string().min(1))
  .min(1)
  .refine((names) => new Set(names).size === names.length, "feature names must be unique");

/**
 * What labels 0 and 1 stand for (index 0 names label 0): the label values of the training CSV, or
 * names given to the trainer. Shown beside every label, so short and printable.
 */
export const ClassNameSchema = z
  .string()
  .min(1)
  .max(40)
  // A refinement rather than a pattern: the API document reuses this schema, and \p{…} patterns
  // mean other things to JSON Schema validators without Unicode mode.
  .refine((name) => !/\p{Cc}/u.test(name), "a class name has no control characters");

export const ClassNamesSchema = z
  .tuple([ClassNameSchema, ClassNameSchema])
  .refine(([zero, one]) => zero !== one, "the two class names must differ");

export const ScalerSchema = z.strictObject({
  mean: z.array(z.number()),
  scale: z.array(z.number().positive()),
});

/** A trained linear SVM: weights and bias live in standardised space. */
export const LinearModelSchema = z.strictObject({
  featureNames: FeatureNamesSchema,
  scaler: ScalerSchema,
  weights: z.array(z.number()),
  bias: z.number(),
});

export const FeatureStatsSchema = z.strictObject({
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  std: z.number().nonnegative(),
  /** p0, p10, …, p100. */
  deciles: z.array(z.number()).length(11),
});

export const TrainingSummarySchema = z.strictObject({
  rows: z.int().positive(),
  classCounts: z.strictObject({ "0": count, "1": count }),
  iterations: count,
  converged: z.boolean(),
  featureStats: z.array(FeatureStatsSchema),
});

export const ConfusionSchema = z.strictObject({ tp: count, fp: count, tn: count, fn: count });

export const MetricsSchema = z.strictObject({
  accuracy: fraction,
  precision: fraction,
  recall: fraction,
  f1: fraction,
  /** null when the evaluated rows hold a single class, where ROC AUC is undefined. */
  rocAuc: fraction.nullable(),
  confusion: ConfusionSchema,
});

export const MeasuredOnSchema = z.discriminatedUnion("method", [
  z.strictObject({ method: z.literal("kfold"), folds: z.int().min(2) }),
  z.strictObject({ method: z.literal("holdout"), rows: z.int().positive() }),
  z.strictObject({ method: z.literal("training"), rows: z.int().positive() }),
]);

/** Metrics together with what they were measured on. */
export const EvaluationSchema = MetricsSchema.extend({ measuredOn: MeasuredOnSchema });

export const ReliabilityBinSchema = z.strictObject({
  lower: fraction,
  upper: fraction,
  count,
  /** null for an empty bin. */
  meanPredicted: fraction.nullable(),
  observedRate: fraction.nullable(),
});

/**
 * Platt scaling of the margins, P(y = 1 | m) = 1 / (1 + exp(a·m + b)), fitted on margins the
 * model did not train on (the retrain's holdout, or out-of-fold margins of a k-fold run), with
 * how well those probabilities fit there.
 */
export const CalibrationSchema = z.strictObject({
  method: z.literal("platt"),
  a: z.number(),
  b: z.number(),
  measuredOn: MeasuredOnSchema,
  logLoss: z.number().nonnegative(),
  brier: fraction,
  reliability: z.array(ReliabilityBinSchema),
});

// Identity first, then the model, then how it was made: the order a reader wants in the file.
export const ArtifactBodySchema = z.strictObject({
  format: z.literal(ARTIFACT_FORMAT),
  formatVersion: z.literal(ARTIFACT_FORMAT_VERSION),
  version: VersionSchema,
  createdAt: z.iso.datetime(),
  parentVersion: VersionSchema.nullable(),
  ...LinearModelSchema.shape,
  /** Absent in artifacts made before classes were named, and for unnamed 0/1 labels: "0" and "1". */
  classNames: ClassNamesSchema.optional(),
  hyperparameters: HyperparametersSchema,
  training: TrainingSummarySchema,
  metrics: EvaluationSchema,
  /** Absent in artifacts made before probabilities were calibrated. */
  calibration: CalibrationSchema.optional(),
});

export const ArtifactSchema = ArtifactBodySchema.extend({
  checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a checksum is "sha256:" and 64 lowercase hex digits'),
});

export type Loss = z.infer<typeof LossSchema>;
export type Solver = z.infer<typeof SolverSchema>;
export type ClassWeight = z.infer<typeof ClassWeightSchema>;
export type Hyperparameters = z.infer<typeof HyperparametersSchema>;
export type ClassNames = z.infer<typeof ClassNamesSchema>;
export type Scaler = z.infer<typeof ScalerSchema>;
export type LinearModel = z.infer<typeof LinearModelSchema>;
export type FeatureStats = z.infer<typeof FeatureStatsSchema>;
export type TrainingSummary = z.infer<typeof TrainingSummarySchema>;
export type Confusion = z.infer<typeof ConfusionSchema>;
export type Metrics = z.infer<typeof MetricsSchema>;
export type MeasuredOn = z.infer<typeof MeasuredOnSchema>;
export type Evaluation = z.infer<typeof EvaluationSchema>;
export type Calibration = z.infer<typeof CalibrationSchema>;
export type ArtifactBody = z.infer<typeof ArtifactBodySchema>;
export type Artifact = z.infer<typeof ArtifactSchema>;
