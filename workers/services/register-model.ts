// Stores a sealed artifact and its registry row under a tenant: the one way a model enters the system
// (seed, retraining, `npm run train -- --publish`). Null when the version name is taken.
import { classNamesOf, type Artifact } from "../../model/index.ts";
import type { Adapters } from "../adapters/index.ts";
import type { PromotionGate } from "../contract/api.ts";
import type { AuditEntry, ModelRecord } from "../adapters/model-registry.ts";

export interface RegisterOptions {
  status: ModelRecord["status"];
  source: "seed" | "retrain" | "cli";
  fingerprint: string;
  /** The training run registering it (retrains only): one version per run. */
  runId?: string;
  /** The gate's decision, for a retrain's challenger (the only writer of a gate). */
  gate?: PromotionGate;
  audit?: AuditEntry;
}

export async function registerModel(
  adapters: Adapters,
  tenantId: string,
  artifact: Artifact,
  options: RegisterOptions,
): Promise<ModelRecord | null> {
  return adapters.models.saveModel(
    {
      tenantId,
      version: artifact.version,
      status: options.status,
      parentVersion: artifact.parentVersion,
      checksum: artifact.checksum,
      featureNames: JSON.stringify(artifact.featureNames),
      // Always the pair, "0" and "1" for a model without names: null is left to mean a row
      // registered before names were stored, whose artifact the registry list reads once.
      classNames: JSON.stringify(classNamesOf(artifact)),
      trainingRows: artifact.training.rows,
      fingerprint: options.fingerprint,
      runId: options.runId ?? null,
      // The calibration's figures travel with the metrics, so the registry list shows them too.
      metrics: JSON.stringify({
        ...artifact.metrics,
        ...(artifact.calibration ? { calibration: artifact.calibration } : {}),
      }),
      gate: options.gate === undefined ? null : JSON.stringify(options.gate),
      source: options.source,
      createdAt: Date.parse(artifact.createdAt),
    },
    JSON.stringify(artifact),
    options.audit,
  );
}
