// The model that scores a tenant's requests, cached per isolate and per tenant. A tenant's
// champion pointer is re-read from D1 at most every POINTER_TTL_MS, so a promotion or rollback
// serves within seconds without a restart, and a warm request costs no D1 query; each version's
// artifact is fetched and checksum-verified once per isolate. When a new champion's artifact is
// corrupt, the tenant's last good model keeps serving and the error is kept for GET /v1/me.
// Both caches are bounded (least recently used), so many tenants cannot exhaust an isolate.
import { ArtifactError, compileModel, decodeArtifact, type Artifact, type CompiledModel } from "../../model/index.ts";
import { ApiError } from "../contract/errors.ts";
import type { ModelRecord, ModelRegistry } from "../adapters/model-registry.ts";
import { Lru } from "./lru.ts";

export interface ServingModel {
  tenantId: string;
  version: string;
  artifact: Artifact;
  compiled: CompiledModel;
}

interface TenantSlot {
  pointer: string | null;
  checkedAt: number;
  serving: ServingModel | null;
  error: { version: string; message: string } | null;
}

const POINTER_TTL_MS = 2_000;
export const MAX_TENANTS = 64;
const MAX_VERSIONS = 128;

const tenants = new Lru<TenantSlot>(MAX_TENANTS);
const versions = new Lru<ServingModel>(MAX_VERSIONS);

/** The tenant's champion to score with, or null when the tenant never activated a model. */
export async function loadChampion(
  registry: ModelRegistry,
  tenantId: string,
  now = Date.now(),
): Promise<ServingModel | null> {
  const slot = tenants.get(tenantId) ?? { pointer: null, checkedAt: 0, serving: null, error: null };
  if (now - slot.checkedAt < POINTER_TTL_MS && slot.serving?.version === slot.pointer) return slot.serving;
  const champion = await registry.findChampion(tenantId);
  slot.pointer = champion?.version ?? null;
  slot.checkedAt = now;
  tenants.set(tenantId, slot);
  if (!champion) return (slot.serving = null);
  if (slot.serving?.version === champion.version) return slot.serving;
  try {
    slot.serving = await loadVersion(registry, tenantId, champion.version);
    slot.error = null;
  } catch (error) {
    slot.error = { version: champion.version, message: (error as Error).message };
    console.error(`model ${champion.version} of tenant ${tenantId} cannot be served:`, slot.error.message);
  }
  return slot.serving;
}

/**
 * A specific version of the tenant's (e.g. to explain a row scored by an earlier model). Throws an
 * ArtifactError when the stored artifact is missing, corrupt, or not the one the registry
 * recorded (its checksum differs); any other error is a storage outage and may pass.
 */
export async function loadVersion(registry: ModelRegistry, tenantId: string, version: string): Promise<ServingModel> {
  const key = `${tenantId}\n${version}`;
  const cached = versions.get(key);
  if (cached) return cached;
  const record = await registry.findModel(tenantId, version);
  if (record === null) throw new ArtifactError("invalid", `model ${version} is not in the registry`);
  const artifact = await readVerifiedArtifact(registry, record);
  const model: ServingModel = { tenantId, version, artifact, compiled: compileModel(artifact) };
  versions.set(key, model);
  return model;
}

/**
 * The artifact of a registry row, uncached: throws an ArtifactError when it is missing, corrupt,
 * or not the one the row recorded (its checksum differs).
 */
export async function readVerifiedArtifact(
  registry: ModelRegistry,
  record: Pick<ModelRecord, "tenantId" | "version" | "artifactKey" | "checksum">,
): Promise<Artifact> {
  const { version } = record;
  const text = await registry.readArtifact(record);
  if (text === null) throw new ArtifactError("invalid", `the artifact of model ${version} is missing`);
  const artifact = await decodeArtifact(text);
  if (artifact.version !== version)
    throw new ArtifactError("invalid", `the artifact stored for ${version} names ${artifact.version}`);
  if (artifact.checksum !== record.checksum) {
    throw new ArtifactError(
      "checksum",
      `the artifact stored for ${version} has checksum ${artifact.checksum}; the registry recorded ${record.checksum}`,
    );
  }
  return artifact;
}

/** What a tenant without a model is told, with what to do about it. */
export function noModel(): ApiError {
  return new ApiError(
    "MODEL_UNAVAILABLE",
    "This tenant has no active model yet: publish one with an admin key of this tenant (npm run train -- --data your.csv --publish --activate --key KEY), or activate a version with POST /v1/models/{version}/activate.",
  );
}

/** The error that keeps the tenant's current champion from serving, if any. */
export function servingError(tenantId: string): { version: string; message: string } | null {
  return tenants.get(tenantId)?.error ?? null;
}

/** Makes this isolate re-read the tenant's champion pointer on its next request (after an activation here). */
export function refreshChampionSoon(tenantId: string): void {
  const slot = tenants.get(tenantId);
  if (slot) slot.checkedAt = 0;
}

/** How many tenants and versions this isolate holds (tests and diagnostics). */
export function servingCacheSize(): { tenants: number; versions: number } {
  return { tenants: tenants.size, versions: versions.size };
}

/** Forgets everything cached in this isolate (tests). */
export function resetServingCache(): void {
  tenants.clear();
  versions.clear();
}
