// Our side of each training comparison: trainSvm with its defaults (standardise, squared hinge,
// primal Newton), timed in-process exactly as the peers are, and the line that reports it.
import { DEFAULT_TRAIN_OPTIONS, evaluateModel, trainSvm } from "../../model/index.ts";
import type { TrainResult } from "../../model/index.ts";
import type { Split } from "./data.ts";
import { inProcessSide, ms, percent, type Side } from "./timing.ts";

/** The hyperparameters every peer is given, read from trainSvm's defaults so they stay in step. */
export const SHARED = {
  C: DEFAULT_TRAIN_OPTIONS.C,
  tol: DEFAULT_TRAIN_OPTIONS.tol,
  maxIter: DEFAULT_TRAIN_OPTIONS.maxIter,
};

export const OURS_LABEL = `ours, trainSvm (Newton, squared hinge, C ${SHARED.C}, tol ${SHARED.tol})`;

/** A side that fits the split's training rows `perRound` times a round; `last` is the latest fit. */
export function ourSide(split: Split, warmUps: number, perRound: number): Side & { last: () => TrainResult } {
  let latest: TrainResult | null = null;
  const side = inProcessSide(
    "ours",
    () => {
      latest = trainSvm(split.train);
    },
    warmUps,
    perRound,
  );
  return {
    ...side,
    last: () => {
      if (latest === null) throw new Error("our side has not run");
      return latest;
    },
  };
}

export function ourTestAccuracy(result: TrainResult, split: Split): number {
  return evaluateModel(result.model, split.test).accuracy;
}

/** One aligned result line: label, median fit time, test accuracy, then whatever else is known. */
export function resultLine(label: string, seconds: number, accuracy: number, details: string): string {
  return `${label.padEnd(60)} ${ms(seconds).padStart(9)}  test acc ${percent(accuracy)}, ${details}`;
}

export function ourResultLine(seconds: number, result: TrainResult, split: Split): string {
  const state = result.converged ? "converged" : "stopped at the cap";
  return resultLine(OURS_LABEL, seconds, ourTestAccuracy(result, split), `${result.iterations} Newton steps, ${state}`);
}
