// How a training run reads on every page: its trigger in words and what it did.
// Relative imports only, so Node tests can load this file.
import type { RunWork, TrainingRun } from "../../../workers/contract/api.ts";

const TRIGGERS: Record<string, string> = { api: "on demand", cron: "scheduled", seed: "first start" };

export const triggerOf = (run: Pick<TrainingRun, "trigger">) => TRIGGERS[run.trigger] ?? run.trigger;

/** "799,425 train rows · 40 shards · 4 passes · 84 steps, slowest 2.8 s" */
export function describeWork(work: RunWork): string {
  const count = (value: number, one: string, many: string) =>
    `${value.toLocaleString("en-US")} ${value === 1 ? one : many}`;
  return [
    count(work.trainRows, "train row", "train rows"),
    count(work.shards, "shard", "shards"),
    count(work.passes, "pass", "passes"),
    `${count(work.steps, "step", "steps")}, slowest ${(work.maxStepMs / 1000).toFixed(1)} s`,
  ].join(" · ");
}

export function outcomeTone(status: string): "ok" | "bad" | "" {
  return status === "promoted" ? "ok" : status === "rejected" || status === "failed" ? "bad" : "";
}
