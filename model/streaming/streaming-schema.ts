// The values a streamed retrain hands from one step to the next: feature moments, the training
// plan, the Newton state, one pass's partial sums and the finished outcome. Each step may run in
// another invocation (a Cloudflare Workflow step), so every value is plain JSON (no typed arrays,
// no NaN or ±Infinity) and declared once here in zod, so a step that reads one back from storage
// can validate it; the TypeScript types are inferred from these schemas.
import { z } from "zod";
import { ScalerSchema } from "../artifact-schema.ts";

const count = z.int().nonnegative();
const vector = z.array(z.number());

/** Per-feature count, mean and M2 = Σ(x − mean)² (Chan, Golub & LeVeque 1979), plus class counts. */
export const MomentsSchema = z
  .strictObject({
    count,
    mean: vector,
    m2: z.array(z.number().nonnegative()),
    /** Rows labelled 0, rows labelled 1. */
    classCounts: z.tuple([count, count]),
  })
  .refine((m) => m.m2.length === m.mean.length, "mean and m2 must have one entry per feature");

/** Everything a pass needs besides the rows: fixed for the whole run. */
export const StreamingPlanSchema = z.strictObject({
  d: z.int().positive(),
  /** Rows every pass must see; a pass that saw another count missed or repeated a shard. */
  rows: z.int().positive(),
  C: z.number().positive(),
  /** Weights of class 0 and class 1; the cost of a row is C times its class's weight. */
  classWeights: z.tuple([z.number().positive(), z.number().positive()]),
  tol: z.number().positive(),
  maxIter: z.int().positive(),
  scaler: ScalerSchema,
});

/**
 * Where a Newton iteration stands: the weights w̃ (d weights, then the bias) and the pass that
 * comes next. A derivatives pass yields the gradient and Hessian at w̃; a line-search pass yields
 * the objective along the Newton direction found from them.
 */
export const NewtonStateSchema = z.discriminatedUnion("phase", [
  z.strictObject({
    phase: z.literal("derivatives"),
    w: vector,
    iteration: count,
    /** ‖∇f‖ at w̃ = 0, the yardstick of the stopping rule; absent before the first pass. */
    gradientNorm0: z.number().nonnegative().optional(),
  }),
  z.strictObject({
    phase: z.literal("line-search"),
    w: vector,
    iteration: count,
    gradientNorm0: z.number().nonnegative(),
    direction: vector,
    /** ∇f·direction, the Armijo condition's slope. */
    slope: z.number(),
  }),
]);

/** Sums over the rows one pass has seen so far; shards fold into it in any grouping. */
export const PassAccumulatorSchema = z.discriminatedUnion("phase", [
  z.strictObject({
    phase: z.literal("derivatives"),
    iteration: count,
    rows: count,
    /** Σ over rows of the loss's gradient (the regulariser's w̃ is added once, at the end). */
    gradient: vector,
    /** Σ 2Cᵢ·x̃ᵢx̃ᵢᵀ over active rows, lower triangle packed row by row: (j, k ≤ j) at j(j+1)/2 + k. */
    hessian: vector,
    /** Σ Cᵢ·slackᵢ², for the objective reported at the end. */
    loss: z.number(),
  }),
  z.strictObject({
    phase: z.literal("line-search"),
    iteration: count,
    rows: count,
    /** Σ Cᵢ·slackᵢ(t)² at t = 0, then t = 1, ½, …, 2⁻³⁹. */
    losses: vector,
  }),
]);

/** A finished run: w̃ (d weights, then the bias) and how the solver fared. */
export const NewtonOutcomeSchema = z.strictObject({
  done: z.literal(true),
  w: vector,
  iterations: count,
  /** False when the iteration cap or a failed line search stopped it before the tolerance did. */
  converged: z.boolean(),
  /** ½‖w̃‖² + Σ Cᵢ·max(0, 1 − yᵢ·w̃·x̃ᵢ)² at w̃. */
  objective: z.number(),
});

export type Moments = z.infer<typeof MomentsSchema>;
export type StreamingPlan = z.infer<typeof StreamingPlanSchema>;
export type NewtonState = z.infer<typeof NewtonStateSchema>;
export type PassAccumulator = z.infer<typeof PassAccumulatorSchema>;
export type NewtonOutcome = z.infer<typeof NewtonOutcomeSchema>;
