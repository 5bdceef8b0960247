// A stand-in for prediction-log.ts that keeps what was appended, for services run on memory
// adapters. The real log flushes calls to segments (finished batches) on its own alarm; this one
// flushes nothing by itself: a test that needs a call found again says where it went (`flushed`).
// As the real log, a call without rows or a batch id the tenant appended before is ignored, and a
// tenant resolves only its own calls.
import type { Adapters } from "../index.ts";

type PredictionLogStore = Adapters["predictionLog"];
export type LoggedCall = Parameters<PredictionLogStore["append"]>[0];
export type LoggedCallRef = Awaited<ReturnType<PredictionLogStore["resolve"]>> extends Map<string, infer R> ? R : never;

export interface RecordingPredictionLog extends PredictionLogStore {
  /** Every call kept (a tenant's batch id once), oldest first. */
  appended: LoggedCall[];
  /** Where a test says a call's rows were flushed, by batch id. */
  flushed: Map<string, LoggedCallRef>;
}

export function createRecordingPredictionLog(): RecordingPredictionLog {
  const appended: LoggedCall[] = [];
  const flushed = new Map<string, LoggedCallRef>();
  const has = (tenantId: string, batchId: string) =>
    appended.some((call) => call.tenantId === tenantId && call.batchId === batchId);
  return {
    appended,
    flushed,
    async append(entry) {
      if (entry.features.length === 0 || has(entry.tenantId, entry.batchId)) return;
      appended.push(JSON.parse(JSON.stringify(entry)) as LoggedCall);
    },
    async resolve(tenantId, batchIds) {
      const found = new Map<string, LoggedCallRef>();
      for (const batchId of batchIds) {
        const ref = flushed.get(batchId);
        if (ref && has(tenantId, batchId)) found.set(batchId, ref);
      }
      return found;
    },
  };
}
