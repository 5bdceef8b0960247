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

/** The [vars] of wrangler.toml a run reads (strings, as bindings are). */
export interface RetrainConfig {
  RETRAIN_MIN_FEEDBACK: string;
  PROMOTION_MAX_DROP: string;
  PROMOTION_FLOOR: string;
  RETRAIN_PARTITION_ROWS?: string;
  RETRAIN_ROWS_PER_STEP?: string;
}

/** A whole number from a config string, or the default when unset or not a positive whole number. */
export function configInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * A run holds the tenant's lease `retrain:<tenant>` for this long past its latest step; each step
 * renews it, so only a run that stopped taking steps (its Workflow ended without its last step, or
 * an isolate died mid-run) loses it, and the next run closes that one's record.
 */
export const RETRAIN_LEASE_MS = 10 * 60 * 1000;
