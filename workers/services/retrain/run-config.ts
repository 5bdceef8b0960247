// The shapes a retrain run is started with and ends with, shared by the Workflow, the inline
// runner (tests, benchmarks, small tenants) and the API that starts runs.
export interface RetrainRequest {
  tenantId: string;
  trigger: "cron" | "api";
  force: boolean;
  now?: number;
}

export interface RetrainOutcome {
  runId: string | null;
  status: "skipped" | "promoted" | "rejected" | "failed" | "busy";
  reason?: string;
  challengerVersion?: string;
  details?: Record<string, unknown>;
}

export type RetrainConfig = Pick<Env, "RETRAIN_MIN_FEEDBACK" | "PROMOTION_MAX_DROP" | "PROMOTION_FLOOR">;

/**
 * A run holds the tenant's lease `retrain:<tenant>` for this long past its latest step; each step
 * renews it, so only a run that stopped taking steps (its Workflow ended without its last step, or
 * an isolate died mid-run) loses it, and the next run closes that one's record.
 */
export const RETRAIN_LEASE_MS = 10 * 60 * 1000;
