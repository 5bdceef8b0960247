// The public trainer: resolves hyperparameters, standardises, picks a solver, and returns an
// immutable model in standardised space together with how the solver fared.
import { z } from "zod";
import { HyperparametersSchema } from "./artifact-schema.ts";
import type { Hyperparameters, LinearModel } from "./artifact-schema.ts";
import { checkDataset, countClasses } from "./dataset.ts";
import { solveDcd } from "./dcd.ts";
import { solveNewton } from "./newton.ts";
import { createRandom } from "./random.ts";
import { applyScaler, fitScaler, identityScaler } from "./scaler.ts";
import { buildProblem, computeObjective } from "./svm-problem.ts";
import type { Dataset, TrainOptions, TrainResult } from "./types.ts";

export const DEFAULT_TRAIN_OPTIONS = {
  C: 1,
  loss: "squared-hinge",
  solver: "auto",
  classWeight: null,
  standardize: true,
  seed: 0,
  tol: 1e-4,
  maxIter: 1000,
} as const satisfies Required<TrainOptions>;

/** Fills in defaults and resolves solver "auto"; throws a RangeError on an invalid option. */
export function resolveHyperparameters(options: TrainOptions = {}): Hyperparameters {
  // An option passed as undefined (e.g. an absent request field) means "use the default".
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as TrainOptions;
  const merged = { ...DEFAULT_TRAIN_OPTIONS, ...given };
  const loss = merged.loss;
  const solver = merged.solver === "auto" ? (loss === "hinge" ? "dcd" : "newton") : merged.solver;
  if (solver === "newton" && loss !== "squared-hinge") {
    throw new RangeError('the newton solver needs loss "squared-hinge"; use solver "dcd" for hinge');
  }
  const parsed = HyperparametersSchema.safeParse({ ...merged, solver });
  if (!parsed.success) throw new RangeError(`invalid training options: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * Trains an L2-regularised linear SVM, labels 0/1 mapped to −1/+1, bias as a regularised constant
 * feature (liblinear's formulation, Fan et al. 2008). Hinge loss is solved by dual coordinate
 * descent (Hsieh et al. 2008), squared hinge by default with primal Newton (Keerthi & DeCoste 2005).
 */
export function trainSvm(data: Dataset, options: TrainOptions = {}): TrainResult {
  const hyperparameters = resolveHyperparameters(options);
  checkDataset(data);
  const classes = countClasses(data.y);
  if (classes["0"] === 0 || classes["1"] === 0) {
    throw new RangeError(`training needs both classes, got ${classes["0"]} of class 0 and ${classes["1"]} of class 1`);
  }
  const d = data.featureNames.length;
  const scaler = hyperparameters.standardize ? fitScaler(data.x, d) : identityScaler(d);
  // A standardised copy costs n·d·8 bytes but keeps both solvers' inner loops plain.
  const problem = buildProblem(applyScaler(data.x, scaler), data.y, hyperparameters);
  const outcome =
    hyperparameters.solver === "newton"
      ? solveNewton(problem)
      : solveDcd(problem, hyperparameters.loss, createRandom(hyperparameters.seed));

  const model: LinearModel = deepFreeze({
    featureNames: [...data.featureNames],
    scaler,
    weights: Array.from(outcome.w.subarray(0, d)),
    bias: outcome.w[d],
  });
  return Object.freeze({
    model,
    hyperparameters: deepFreeze(hyperparameters),
    iterations: outcome.iterations,
    converged: outcome.converged,
    objective: computeObjective(problem, outcome.w, hyperparameters.loss),
  });
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (typeof inner === "object" && inner !== null) deepFreeze(inner);
  }
  return Object.freeze(value);
}
