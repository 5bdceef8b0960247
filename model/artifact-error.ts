// The one error an artifact decoder or encoder throws, with a closed set of reasons so callers
// (the registry, the model cache) can decide without parsing messages.

export const ARTIFACT_ERROR_REASONS = ["format", "checksum", "shape", "non-finite", "invalid"] as const;

export type ArtifactErrorReason = (typeof ARTIFACT_ERROR_REASONS)[number];

export class ArtifactError extends Error {
  readonly reason: ArtifactErrorReason;

  constructor(reason: ArtifactErrorReason, message: string) {
    super(message);
    this.name = "ArtifactError";
    this.reason = reason;
  }
}
