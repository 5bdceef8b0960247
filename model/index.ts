// The public API of the pure ML core: training, scoring, metrics, artifacts and data loading.
// Nothing here touches Cloudflare, Hono, drizzle or node:*; it runs in Node and in workerd alike.
export { ArtifactError, ARTIFACT_ERROR_REASONS } from "./artifact-error.ts";
export type { ArtifactErrorReason } from "./artifact-error.ts";
export * from "./artifact-schema.ts";
export {
  buildArtifact,
  classNamesOf,
  computeChecksum,
  decodeArtifact,
  encodeArtifact,
  sealArtifact,
  summarizeTraining,
  type TrainingSummary,
} from "./artifact.ts";
export { crossValidate, evaluateModel, foldByModulo, splitFold } from "./cross-validate.ts";
export type { CrossValidation, FoldOf, FoldResult } from "./cross-validate.ts";
export { CSV_ERROR_CODES, CsvError, formatCsv, parseCsv } from "./csv.ts";
export type { CsvErrorCode } from "./csv.ts";
export { checkDataset, countClasses, selectRows } from "./dataset.ts";
export { DEMO_CLASS_NAMES, DEMO_FEATURE_NAMES, generateDemoData } from "./demo-data.ts";
export { computeFeatureStats } from "./feature-stats.ts";
export { firstOutOfRange, MAX_ABS_FEATURE } from "./feature-bounds.ts";
export { computeConfusion, computeMetrics, computeRocAuc } from "./metrics.ts";
export { createRandom } from "./random.ts";
export type { Random } from "./random.ts";
export { applyScaler, fitScaler } from "./scaler.ts";
export { compileModel, explainRow, labelMargin, scoreColumns, scoreMatrix, scoreRows } from "./score.ts";
export { generateClassification } from "./synthetic-data.ts";
export { advanceNewton } from "./streaming/advance.ts";
export {
  addRowsToMoments,
  classWeightsFromMoments,
  emptyMoments,
  mergeMoments,
  scalerFromMoments,
} from "./streaming/moments.ts";
export {
  accumulateShard,
  emptyAccumulator,
  LINE_SEARCH_STEPS,
  mergeAccumulators,
  startNewton,
} from "./streaming/passes.ts";
export { linearModelFromStreaming, planStreaming } from "./streaming/plan.ts";
export type { Shard } from "./streaming/shard.ts";
export * from "./streaming/streaming-schema.ts";
export { trainStreaming } from "./streaming/train-streaming.ts";
export type { SyntheticOptions } from "./synthetic-data.ts";
export { DEFAULT_TRAIN_OPTIONS, resolveHyperparameters, trainSvm } from "./train.ts";
export type { CompiledModel, Dataset, Explanation, Scores, TrainOptions, TrainResult } from "./types.ts";
export { hashKey, isHoldout, rowKey } from "./holdout.ts";
export { decidePromotion } from "./promotion-gate.ts";
export type { GateDecision, GateInput, HoldoutAccuracy } from "./promotion-gate.ts";
export { computePsi, DRIFT_THRESHOLD, featureBinCounts, psiFromCounts } from "./drift.ts";
export { brierScore, calibrationReport, logLoss, reliabilityBins } from "./calibration.ts";
export type { CalibrationReport } from "./calibration.ts";
export { fitPlatt, plattProbability } from "./platt.ts";
export type { PlattFit, PlattParams } from "./platt.ts";
export { calibrate, calibrateOutOfFold, probabilityOf } from "./calibrate.ts";
