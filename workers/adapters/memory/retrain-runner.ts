// The in-memory twin of retrain-runner.ts: it records the runs started (one per id, as Workflow
// instance ids are unique) and reports each as running until a test finishes it with an outcome.
import type { RetrainOutcome } from "../../services/retrain/run-config.ts";
import type { RetrainParams, RetrainRunner, RunProgress } from "../retrain-runner.ts";

export interface RecordingRetrainRunner extends RetrainRunner {
  started: { runId: string; params: RetrainParams }[];
  finish(runId: string, outcome: RetrainOutcome): void;
}

export function createRecordingRetrainRunner(): RecordingRetrainRunner {
  const started: RecordingRetrainRunner["started"] = [];
  const progress = new Map<string, RunProgress>();
  return {
    started,
    async start(runId, params) {
      if (progress.has(runId)) return false;
      started.push({ runId, params });
      progress.set(runId, { state: "running" });
      return true;
    },
    async progress(runId) {
      const known = progress.get(runId);
      if (!known) throw new Error(`no run ${runId}`);
      return known;
    },
    finish(runId, outcome) {
      progress.set(runId, { state: "finished", outcome });
    },
  };
}
