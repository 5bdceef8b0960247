// Runtime shapes that are never serialised as such (typed arrays, options, results).
// Everything that is stored or sent lives in artifact-schema.ts as a zod schema.
import type { ClassNames, Hyperparameters, LinearModel, Solver } from "./artifact-schema.ts";

/** A labelled table: `x` is row-major n×d, `y` holds 0 or 1 per row, d = featureNames.length. */
export type Dataset = {
  readonly featureNames: readonly string[];
  readonly x: Float64Array;
  readonly y: Uint8Array;
  /** What labels 0 and 1 stand for, when the source named them (see parseCsv). */
  readonly classNames?: ClassNames;
};

/** Every hyperparameter is optional; `solver: "auto"` picks Newton for squared hinge, DCD for hinge. */
export type TrainOptions = Partial<Omit<Hyperparameters, "solver">> & { readonly solver?: Solver | "auto" };

export type TrainResult = {
  readonly model: LinearModel;
  readonly hyperparameters: Hyperparameters;
  /** Outer passes for DCD, Newton steps for Newton. */
  readonly iterations: number;
  /** False when the iteration cap stopped the solver before the tolerance did. */
  readonly converged: boolean;
  /** Primal objective ½‖w̃‖² + Σ Cᵢ·loss(yᵢ w̃·x̃ᵢ) at the returned weights, bias included in w̃. */
  readonly objective: number;
};

/** A model with the scaler folded into raw-space weights, ready to score raw rows. */
export type CompiledModel = {
  readonly featureNames: readonly string[];
  readonly weights: Float64Array;
  readonly bias: number;
};

export type Scores = {
  readonly margins: Float64Array;
  readonly labels: Uint8Array;
};

export type Explanation = {
  readonly margin: number;
  readonly label: 0 | 1;
  /** cⱼ = wⱼ·(xⱼ − meanⱼ)/scaleⱼ; Σ cⱼ + bias = margin. */
  readonly contributions: number[];
  readonly bias: number;
};
