// The single onError: every failure leaves as {"error": {"code", "message", "requestId"}},
// and nothing internal (stacks, SQL) ever reaches a client.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, toErrorBody } from "../contract/errors.ts";
import type { AppEnv } from "./app-env.ts";

export function handleError(error: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId") ?? "unknown";
  const apiError = toApiError(error);
  if (apiError.status >= 500) console.error(`[${requestId}]`, error);
  return c.json(toErrorBody(apiError, requestId), apiError.status, apiError.headers);
}

export function handleNotFound(c: Context<AppEnv>): Response {
  const error = new ApiError("NOT_FOUND", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`);
  return c.json(toErrorBody(error, c.get("requestId") ?? "unknown"), 404);
}

function toApiError(error: Error): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException && error.status < 500) return new ApiError("INVALID_REQUEST", error.message);
  return new ApiError("INTERNAL", "An internal error occurred; it has been logged with this request id.");
}
