// The two ends of a streamed retrain: the plan made from the moments pass, which fixes everything
// the Newton passes need besides the rows, and the LinearModel made from the finished weights, in
// exactly the shape trainSvm returns so artifacts, scoring and the gate cannot tell them apart.
import type { LinearModel } from "../artifact-schema.ts";
import { identityScaler } from "../scaler.ts";
import { resolveHyperparameters } from "../train.ts";
import type { TrainOptions } from "../types.ts";
import { classWeightsFromMoments, scalerFromMoments } from "./moments.ts";
import type { Moments, NewtonOutcome, StreamingPlan } from "./streaming-schema.ts";

/**
 * The plan of a streamed squared-hinge Newton run (Keerthi & DeCoste 2005) over the rows the
 * moments summarise, with trainSvm's options and defaults. Hinge loss is refused: its solver,
 * dual coordinate descent, updates one row at a time and needs the rows in memory.
 */
export function planStreaming(moments: Moments, options: TrainOptions = {}): StreamingPlan {
  const hyperparameters = resolveHyperparameters(options);
  if (hyperparameters.solver !== "newton") {
    throw new RangeError('streamed training solves squared hinge with Newton; hinge loss and "dcd" need trainSvm');
  }
  const [zeros, ones] = moments.classCounts;
  if (zeros === 0 || ones === 0) {
    throw new RangeError(`training needs both classes, got ${zeros} of class 0 and ${ones} of class 1`);
  }
  const d = moments.mean.length;
  return {
    d,
    rows: moments.count,
    C: hyperparameters.C,
    classWeights: classWeightsFromMoments(hyperparameters.classWeight, moments),
    tol: hyperparameters.tol,
    maxIter: hyperparameters.maxIter,
    scaler: hyperparameters.standardize ? scalerFromMoments(moments) : identityScaler(d),
  };
}

/** The frozen model of a finished run: weights and bias in standardised space, with the plan's scaler. */
export function linearModelFromStreaming(
  featureNames: readonly string[],
  plan: StreamingPlan,
  outcome: NewtonOutcome,
): LinearModel {
  const { d } = plan;
  if (featureNames.length !== d) throw new RangeError(`${featureNames.length} feature names for a ${d}-feature plan`);
  if (outcome.w.length !== d + 1) throw new RangeError(`${outcome.w.length} weights for a ${d}-feature plan`);
  return Object.freeze({
    featureNames: Object.freeze([...featureNames]),
    scaler: Object.freeze({ mean: Object.freeze([...plan.scaler.mean]), scale: Object.freeze([...plan.scaler.scale]) }),
    weights: Object.freeze(outcome.w.slice(0, d)),
    bias: outcome.w[d],
  }) as LinearModel;
}
