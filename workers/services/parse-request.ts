// Parses a value with a contract schema, turning the first zod issue into a 4xx ApiError
// that says where the problem is ("features[3][1]: expected number, received string").
import type { z } from "zod";
import { ApiError, type ErrorCode } from "../contract/errors.ts";

export function parseRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode = "INVALID_REQUEST",
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError(code, describeIssue(result.error.issues[0]));
}

/** "features[3][1]: expected number, received string", or "body: …" for the whole value. */
export function describeIssue(issue: { path: readonly PropertyKey[]; message: string }): string {
  const where = issue.path.length ? formatPath(issue.path) : "body";
  return `${where}: ${issue.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}
