// What the dashboard says about the tenant's model (GET /v1/me): nothing when one serves without
// trouble; the server's hint when none is active (batches and predictions are refused until one
// is); the error when the newest champion cannot be served and an older one stands in.
// Relative imports only (types from the contract), so Node tests can load this file.
import type { TenantModel } from "../../../workers/contract/api.ts";

export interface ModelNotice {
  tone: "warn" | "bad";
  title: string;
  lines: string[];
}

// Said when the server sends no hint of its own.
const FALLBACK_HINT = "Publish a model for this tenant, or activate one of its versions, to start scoring.";

export function modelNotice(model: TenantModel, tenant: string): ModelNotice | null {
  if (!model.active) {
    return {
      tone: "warn",
      title: `Tenant ${tenant} cannot score anything yet: new batches and predictions are refused.`,
      lines: [model.hint ?? FALLBACK_HINT, ...(model.error ? [model.error] : [])],
    };
  }
  if (model.error) {
    return {
      tone: "bad",
      title: `Serving ${model.version ?? "an older version"}: the newest champion cannot be loaded.`,
      lines: [model.error],
    };
  }
  return null;
}
