// How a failure to read a model reaches a client: only a bad artifact (missing, corrupt, not
// what the registry recorded) is MODEL_INVALID; anything else is an outage of R2, KV or D1,
// answered 503 without its internal message (that goes to the log with the request id).
import { ArtifactError } from "../../model/index.ts";
import { ApiError } from "../contract/errors.ts";

export function modelReadError(error: unknown, what: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ArtifactError) return new ApiError("MODEL_INVALID", `${what}: ${error.message}`);
  console.error(`${what}:`, error);
  return new ApiError("STORAGE_UNAVAILABLE", "Model storage is unavailable right now; retry shortly.");
}
