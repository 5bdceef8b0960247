// The model that scores requests, cached per isolate. The champion pointer is re-read from
// D1 at most every POINTER_TTL_MS, so a promotion or rollback serves within seconds without a
// restart; each version's artifact is fetched and checksum-verified once per isolate. When a
// new champion's artifact is corrupt, the last good model keeps serving and the error is kept
// for /v1/health to show.
import { ArtifactError, compileModel, decodeArtifact, type Artifact, type CompiledModel } from "../../model/index.ts";
import type { ModelRegistry } from "../adapters/model-registry.ts";

export interface ServingModel {
  version: string;
  artifact: Artifact;
  compiled: CompiledModel;
}

const POINTER_TTL_MS = 2_000;
const byVersion = new Map<string, ServingModel>();
let pointer: { version: string | null; checkedAt: number } = { version: null, checkedAt: 0 };
let serving: ServingModel | null = null;
let lastError: { version: string; message: string } | null = null;

/** The champion to score with, or null when no model was ever activated. */
export async function loadChampion(registry: ModelRegistry, now = Date.now()): Promise<ServingModel | null> {
  if (now - pointer.checkedAt < POINTER_TTL_MS && serving?.version === pointer.version) return serving;
  const champion = await registry.findChampion();
  pointer = { version: champion?.version ?? null, checkedAt: now };
  if (!champion) return (serving = null);
  if (serving?.version === champion.version) return serving;
  try {
    serving = await loadVersion(registry, champion.version);
    lastError = null;
  } catch (error) {
    lastError = { version: champion.version, message: (error as Error).message };
    console.error(`model ${champion.version} cannot be served:`, lastError.message);
  }
  return serving;
}

/**
 * A specific version (e.g. to explain a row scored by an earlier model). Throws an ArtifactError
 * when the stored artifact is missing, corrupt, or not the one the registry recorded (its
 * checksum differs); any other error is a storage outage and may pass.
 */
export async function loadVersion(registry: ModelRegistry, version: string): Promise<ServingModel> {
  const cached = byVersion.get(version);
  if (cached) return cached;
  const [record, text] = await Promise.all([registry.findModel(version), registry.readArtifact(version)]);
  if (record === null) throw new ArtifactError("invalid", `model ${version} is not in the registry`);
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
  const model: ServingModel = { version, artifact, compiled: compileModel(artifact) };
  if (byVersion.size > 16) byVersion.clear();
  byVersion.set(version, model);
  return model;
}

/** The error that keeps the current champion from serving, if any. */
export function servingError(): { version: string; message: string } | null {
  return lastError;
}

/** Makes this isolate re-read the champion pointer on its next request (after an activation here). */
export function refreshChampionSoon(): void {
  pointer = { version: pointer.version, checkedAt: 0 };
}

/** Forgets everything cached in this isolate (tests, and after an activation in this isolate). */
export function resetServingCache(): void {
  byVersion.clear();
  pointer = { version: null, checkedAt: 0 };
  serving = null;
  lastError = null;
}
