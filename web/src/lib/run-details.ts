// Typed readings of a training run's free-form `details` (the gate's figures, the data sizes and
// each Workflow step's wall time), tolerant of runs recorded before a field existed.
// Relative imports only, so Node tests can load this file.
import { PromotionGate, type TrainingRun } from "../../../workers/contract/api.ts";

export interface StepTime {
  name: string;
  ms: number;
}

const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);
const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** The gate's figures of a run that reached the gate (the contract's PromotionGate), else null. */
export function gateOfRun(run: Pick<TrainingRun, "details">): PromotionGate | null {
  const parsed = PromotionGate.safeParse(run.details?.gate);
  return parsed.success ? parsed.data : null;
}

export function stepTimesOf(run: Pick<TrainingRun, "details">): StepTime[] {
  const steps = run.details?.stepTimes;
  if (!Array.isArray(steps)) return [];
  return steps.flatMap((step) => {
    const { name, ms } = record(step);
    return typeof name === "string" && num(ms) !== null ? [{ name, ms: ms as number }] : [];
  });
}

/** "holdoutBaseRows" → "holdout base rows", "maxStepMs" → "max step (ms)". */
const words = (name: string) =>
  name
    .replace(/Ms$/, " (ms)")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();

/** Scalar figures of the details besides the gate and the steps: rows, passes, convergence. */
export function figuresOf(run: Pick<TrainingRun, "details">): [string, string][] {
  return Object.entries(run.details ?? {}).flatMap(([name, value]): [string, string][] =>
    name === "gate" || name === "stepTimes" || value === null || typeof value === "object"
      ? []
      : [[words(name), typeof value === "number" ? value.toLocaleString("en-US") : String(value)]],
  );
}

/** The steps grouped by kind ("train: pass 2, rows 0–700" → "train"), their wall times summed, slowest first. */
export function stepKinds(steps: readonly StepTime[]): { name: string; count: number; ms: number }[] {
  const kinds = new Map<string, { name: string; count: number; ms: number }>();
  for (const step of steps) {
    const name = step.name.split(":")[0].trim();
    const kind = kinds.get(name) ?? { name, count: 0, ms: 0 };
    kind.count++;
    kind.ms += step.ms;
    kinds.set(name, kind);
  }
  return [...kinds.values()].sort((a, b) => b.ms - a.ms);
}
