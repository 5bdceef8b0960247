// One error type with a closed set of codes, and the one error body every failure uses:
// {"error": {"code", "message", "requestId"}}. Pure: no Hono, no bindings.
export const ERROR_STATUS = {
  UNAUTHORIZED: 401,
  INVALID_SIGNATURE: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
  RETRAIN_IN_PROGRESS: 409,
  MODEL_EXISTS: 409,
  INVALID_REQUEST: 400,
  MALFORMED_BODY: 400,
  INVALID_BATCH: 422,
  FEATURE_COUNT_MISMATCH: 422,
  UNKNOWN_ROWS: 422,
  VALUE_OUT_OF_RANGE: 422,
  INVALID_CALLBACK_URL: 422,
  MODEL_INVALID: 422,
  PAYLOAD_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNSUPPORTED_ENCODING: 415,
  RATE_LIMITED: 429,
  MODEL_UNAVAILABLE: 503,
  ENQUEUE_FAILED: 503,
  SECRETS_UNAVAILABLE: 503,
  STORAGE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: (typeof ERROR_STATUS)[ErrorCode];
  /** Response headers the error carries (e.g. Retry-After on a 429). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.headers = headers;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

export function toErrorBody(error: ApiError, requestId: string): ErrorBody {
  return { error: { code: error.code, message: error.message, requestId } };
}
