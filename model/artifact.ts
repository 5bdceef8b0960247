// Versioned, checksummed JSON artifacts for trained models: built from a training result,
// sealed with a SHA-256 over canonical JSON, and decoded only if format, shape, numbers and
// checksum all hold. A refused artifact throws ArtifactError saying which check failed.
import { z } from "zod";
import { ArtifactError } from "./artifact-error.ts";
import { ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION, ArtifactBodySchema, ArtifactSchema } from "./artifact-schema.ts";
import type { Artifact, ArtifactBody, Calibration, ClassNames, Evaluation, FeatureStats } from "./artifact-schema.ts";
import { canonicalizeJson, hashSha256 } from "./canonical-json.ts";
import { countClasses } from "./dataset.ts";
import { computeFeatureStats } from "./feature-stats.ts";
import type { Dataset, TrainResult } from "./types.ts";

/** "sha256:<hex>" of the canonical JSON (sorted keys, RFC 8785 style) of an artifact minus its checksum. */
export async function computeChecksum(artifact: object): Promise<string> {
  return `sha256:${await hashSha256(canonicalizeJson(omitChecksum(artifact)))}`;
}

/** Validates an artifact body and adds its checksum. */
export async function sealArtifact(body: ArtifactBody): Promise<Artifact> {
  const valid = validateBody(omitChecksum(body));
  return { ...valid, checksum: await computeChecksum(valid) };
}

/** The names of an artifact's labels 0 and 1: its own, or "0" and "1" when it has none. */
export function classNamesOf(artifact: { readonly classNames?: ClassNames }): ClassNames {
  return artifact.classNames ? [artifact.classNames[0], artifact.classNames[1]] : ["0", "1"];
}

/** What an artifact says of its training rows; a streamed retrain computes it without holding them. */
export interface TrainingSummary {
  rows: number;
  classCounts: { "0": number; "1": number };
  featureStats: FeatureStats[];
}

export function summarizeTraining(data: Dataset): TrainingSummary {
  return { rows: data.y.length, classCounts: countClasses(data.y), featureStats: computeFeatureStats(data) };
}

/**
 * Assembles and seals the artifact of a model trained on `data` (or rows summarised by
 * `training`) and measured by `metrics`. Its class names are `classNames`, else the data's.
 */
export async function buildArtifact(input: {
  version: string;
  parentVersion?: string | null;
  createdAt?: Date | string;
  data: Dataset | TrainingSummary;
  result: Pick<TrainResult, "model" | "hyperparameters" | "iterations" | "converged">;
  metrics: Evaluation;
  calibration?: Calibration;
  classNames?: Readonly<ClassNames> | null;
}): Promise<Artifact> {
  const { result } = input;
  const summary = "x" in input.data ? summarizeTraining(input.data) : input.data;
  const classNames = input.classNames ?? ("x" in input.data ? input.data.classNames : undefined);
  const createdAt = input.createdAt ?? new Date();
  return sealArtifact({
    format: ARTIFACT_FORMAT,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    version: input.version,
    createdAt: typeof createdAt === "string" ? createdAt : createdAt.toISOString(),
    parentVersion: input.parentVersion ?? null,
    featureNames: [...result.model.featureNames],
    scaler: { mean: [...result.model.scaler.mean], scale: [...result.model.scaler.scale] },
    weights: [...result.model.weights],
    bias: result.model.bias,
    ...(classNames ? { classNames: [classNames[0], classNames[1]] } : {}),
    hyperparameters: { ...result.hyperparameters },
    training: {
      rows: summary.rows,
      classCounts: summary.classCounts,
      iterations: result.iterations,
      converged: result.converged,
      featureStats: summary.featureStats,
    },
    metrics: input.metrics,
    ...(input.calibration ? { calibration: input.calibration } : {}),
  });
}

/** The JSON text of a sealed artifact (the checksum is recomputed, never trusted). */
export async function encodeArtifact(artifact: ArtifactBody): Promise<string> {
  return JSON.stringify(await sealArtifact(artifact), null, 2);
}

/**
 * Decodes JSON text (or an already parsed value) into an artifact, refusing in this order: an
 * unknown format or format version, a non-finite number, a schema violation, a feature count
 * that disagrees with featureNames, and a checksum mismatch.
 */
export async function decodeArtifact(input: unknown): Promise<Artifact> {
  const value = typeof input === "string" ? parseJson(input) : input;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ArtifactError("invalid", "an artifact must be a JSON object");
  }
  const { format, formatVersion } = value as { format?: unknown; formatVersion?: unknown };
  if (format !== ARTIFACT_FORMAT) {
    throw new ArtifactError(
      "format",
      `unknown artifact format ${JSON.stringify(format)}, expected "${ARTIFACT_FORMAT}"`,
    );
  }
  if (formatVersion !== ARTIFACT_FORMAT_VERSION) {
    throw new ArtifactError(
      "format",
      `unsupported formatVersion ${JSON.stringify(formatVersion)}, this build reads ${ARTIFACT_FORMAT_VERSION}`,
    );
  }
  findNonFinite(value, "");
  const parsed = ArtifactSchema.safeParse(value);
  if (!parsed.success) throw new ArtifactError("invalid", `invalid artifact: ${z.prettifyError(parsed.error)}`);
  checkShape(parsed.data);
  const expected = await computeChecksum(parsed.data);
  if (expected !== parsed.data.checksum) {
    throw new ArtifactError(
      "checksum",
      `checksum mismatch: the artifact says ${parsed.data.checksum}, its content hashes to ${expected}`,
    );
  }
  return parsed.data;
}

function validateBody(body: unknown): ArtifactBody {
  findNonFinite(body, "");
  const parsed = ArtifactBodySchema.safeParse(body);
  if (!parsed.success) throw new ArtifactError("invalid", `invalid artifact: ${z.prettifyError(parsed.error)}`);
  checkShape(parsed.data);
  return parsed.data;
}

function omitChecksum(artifact: object): Record<string, unknown> {
  const body: Record<string, unknown> = { ...artifact };
  delete body.checksum;
  return body;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(
      "invalid",
      `artifact is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** JSON text can hold 1e999, which parses to Infinity; a parsed value can hold NaN. */
function findNonFinite(value: unknown, path: string): void {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new ArtifactError("non-finite", `non-finite number ${value} at ${path || "the top level"}`);
  }
  if (typeof value !== "object" || value === null) return;
  for (const [key, inner] of Object.entries(value)) {
    findNonFinite(inner, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
  }
}

function checkShape(body: ArtifactBody): void {
  const d = body.featureNames.length;
  const lengths = {
    weights: body.weights.length,
    "scaler.mean": body.scaler.mean.length,
    "scaler.scale": body.scaler.scale.length,
    "training.featureStats": body.training.featureStats.length,
  };
  for (const [field, length] of Object.entries(lengths)) {
    if (length !== d) throw new ArtifactError("shape", `${field} has ${length} entries for ${d} feature names`);
  }
}
