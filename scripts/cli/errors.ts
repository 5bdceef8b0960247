// The CLI's exit codes and the errors that map to them (documented in `edge-svm --help`).
import { ApiRequestError } from "../../client/index.ts";

export const EXIT = { ok: 0, usage: 1, api: 2, unreachable: 3, batchFailed: 4 } as const;

/** Bad arguments, a missing file or a malformed input file: exit 1. */
export class UsageError extends Error {}

/** The server could not be reached (refused, DNS, reset): exit 3. */
export class UnreachableError extends Error {}

/** A batch ended "failed": exit 4 (after the other batches are done). */
export class BatchFailedError extends Error {}

/** The exit code for an error, and the line printed for it on stderr. */
export function describeError(error: unknown): { code: number; message: string } {
  if (error instanceof UsageError) return { code: EXIT.usage, message: error.message };
  if (error instanceof ApiRequestError)
    return {
      code: EXIT.api,
      message: `${error.code} (${error.status}): ${error.message}`,
    };
  if (error instanceof UnreachableError) return { code: EXIT.unreachable, message: error.message };
  if (error instanceof BatchFailedError) return { code: EXIT.batchFailed, message: error.message };
  return { code: EXIT.api, message: error instanceof Error ? error.message : String(error) };
}
