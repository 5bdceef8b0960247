// Routes are declared once, beside their handlers, with @hono/zod-openapi's createRoute: method,
// path, operationId, scope, parameters, body, the success response and the error codes the route
// can answer. The OpenAPI document is generated from these declarations (routes/reference.ts),
// so the served routes and their documentation cannot drift apart.
//
// Bodies are documented here but read by the handlers themselves (codecs/decode-body.ts), never
// by the generic JSON validator: only the handlers enforce the byte caps, decompress gzip and
// deflate, and read Arrow. So a body's schema is given as a reference to its registered
// component rather than as a zod schema, which would install that validator.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { z } from "zod";
import { ERROR_STATUS, ApiError, type ErrorCode } from "../contract/errors.ts";
import { ErrorResponse } from "../contract/api.ts";
import type { Scope } from "../adapters/key-store.ts";
import { describeIssue } from "../services/parse-request.ts";
import type { AppEnv } from "./app-env.ts";
import { requireScope } from "./authenticate.ts";

/** What the body decoder (codecs/decode-body.ts) refuses, on every route with a body. */
export const BODY_ERRORS = [
  "MALFORMED_BODY",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "UNSUPPORTED_ENCODING",
] as const satisfies readonly ErrorCode[];

/** What a body of feature rows is refused for (parse-batch, check-feature-rows, arrow-batch), and a tenant without a model. */
export const ROW_ERRORS = [
  "INVALID_REQUEST",
  ...BODY_ERRORS,
  "INVALID_BATCH",
  "FEATURE_COUNT_MISMATCH",
  "VALUE_OUT_OF_RANGE",
  "BATCH_TOO_LARGE",
  "MODEL_UNAVAILABLE",
] as const satisfies readonly ErrorCode[];

/** The security scheme every keyed route names in the document. */
export const API_KEY_SCHEME = "apiKey";

export interface BodyDoc {
  /** The registered component's name (its zod schema's meta id), or a raw schema object. */
  component?: string;
  binary?: boolean;
  description?: string;
  /** An example body, shown in the reference and its "try it". */
  example?: unknown;
}

type OkStatus = 200 | 201 | 202 | 204;

type Method = "get" | "post" | "put" | "delete";

export interface ApiRouteInput<
  M extends Method,
  P extends string,
  St extends OkStatus,
  S extends z.ZodType | undefined,
  Q extends z.ZodObject | undefined = undefined,
> {
  /** One method, as a literal: the typed client keys each path's methods by it. */
  method: M;
  path: P;
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  /** The scope a key needs; "any" for any valid key; null for no key. */
  scope: Scope | "any" | null;
  params?: z.ZodObject;
  /** Typed for the client too: hc's calls take `{ query }` of this shape. */
  query?: Q;
  headers?: z.ZodObject;
  /** Bodies by media type, documented, read by the handler. */
  body?: Record<string, BodyDoc>;
  /** The success answers: one or more statuses with one schema (none for an empty or non-JSON body). */
  ok: { status: St | readonly St[]; description: string; schema?: S; contentType?: string; example?: unknown };
  /** Error codes the route answers besides those of its key check (401, 403). */
  errors: ErrorCode[];
}

/** What the handler may return, for the typed routes (and the typed client). */
type OkResponses<St extends OkStatus, S extends z.ZodType | undefined> = {
  [K in St]: S extends z.ZodType
    ? { description: string; content: { "application/json": { schema: S } } }
    : { description: string };
};

/** The route's createRoute declaration: its documentation, its key check and its validators. */
/** The query validator's declaration, when the route has one (hc types its calls' `query` from it). */
type QueryRequest<Q extends z.ZodObject | undefined> = Q extends z.ZodObject ? { query: Q } : object;

export function apiRoute<
  M extends Method,
  P extends string,
  St extends OkStatus,
  S extends z.ZodType | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
>(input: ApiRouteInput<M, P, St, S, Q>) {
  const errors = [
    // Every keyed route counts against its key's rate limit (http/rate-limit.ts): 429 with Retry-After.
    ...(input.scope === null ? [] : (["UNAUTHORIZED", "RATE_LIMITED"] as ErrorCode[])),
    ...(input.scope === null || input.scope === "any" ? [] : (["FORBIDDEN"] as ErrorCode[])),
    ...input.errors,
  ];
  const keyed = input.scope !== null;
  const scopeText =
    input.scope === null
      ? "No key needed."
      : input.scope === "any"
        ? "Needs any valid key."
        : `Needs the \`${input.scope}\` scope.`;
  const statuses: readonly St[] = Array.isArray(input.ok.status) ? input.ok.status : [input.ok.status as St];
  const query = (input.query ? { query: input.query } : {}) as QueryRequest<Q>;
  const responses = {
    ...Object.fromEntries(statuses.map((status) => [status, okResponse(input.ok)])),
    ...errorResponses(errors),
  } as OkResponses<St, S>;
  return createRoute({
    method: input.method,
    path: input.path,
    operationId: input.operationId,
    tags: input.tags,
    summary: input.summary,
    description: [input.description, scopeText].filter(Boolean).join("\n\n"),
    security: keyed ? [{ [API_KEY_SCHEME]: [] }] : [],
    middleware: keyed ? [requireScope(input.scope === "any" ? null : input.scope)] : [],
    request: {
      ...(input.params ? { params: input.params } : {}),
      ...query,
      ...(input.headers ? { headers: input.headers } : {}),
      ...(input.body ? { body: { required: true, content: bodyContent(input.body) } } : {}),
    },
    responses,
  });
}

function okResponse(ok: ApiRouteInput<Method, string, OkStatus, z.ZodType | undefined>["ok"]) {
  if (ok.status === 204 || (!ok.schema && !ok.contentType)) return { description: ok.description };
  const type = ok.contentType ?? "application/json";
  const schema = ok.schema ?? { type: "string" as const };
  return {
    description: ok.description,
    content: { [type]: { schema, ...(ok.example ? { example: ok.example } : {}) } },
  };
}

function bodyContent(body: Record<string, BodyDoc>) {
  return Object.fromEntries(
    Object.entries(body).map(([type, doc]) => [
      type,
      {
        schema: doc.binary
          ? { type: "string" as const, format: "binary", ...(doc.description ? { description: doc.description } : {}) }
          : { $ref: `#/components/schemas/${doc.component}` },
        ...(doc.example === undefined ? {} : { example: doc.example }),
      },
    ]),
  );
}

/**
 * One documented response per status, listing the codes that answer with it; a route with no
 * error of its own (GET /v1/health) documents the error body for any client error.
 */
function errorResponses(codes: readonly ErrorCode[]) {
  if (!codes.some((code) => ERROR_STATUS[code] < 500)) {
    return {
      "4XX": {
        description: "Any client error, in the API's error body",
        content: { "application/json": { schema: ErrorResponse } },
      },
    };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes))
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      {
        description: `Error: ${list.join(", ")}`,
        content: { "application/json": { schema: ErrorResponse } },
      },
    ]),
  );
}

/** A router whose parameter and query failures are the API's own 400s. */
export function apiRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new ApiError("INVALID_REQUEST", describeIssue(result.error.issues[0]));
    },
  });
}

/**
 * A JSON answer already serialised (a result kept in KV as text), sent as the route's JSON type
 * without parsing it only to serialise it again, which is the CPU this path exists to save.
 */
export function storedJson<T>(c: Context, text: string): TypedResponse<T, 200, "json"> {
  // The text was written by JSON.stringify of a T (services/publish-result.ts).
  return c.body(text, 200, { "content-type": "application/json" }) as unknown as TypedResponse<T, 200, "json">;
}
