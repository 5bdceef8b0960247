// The dashboard's one client for the public /v1 API. Every call sends the API key, parses the
// JSON body and turns any failure into an ApiError carrying the server's code, message and
// request id (or a NETWORK / BAD_RESPONSE code when no error body came back).
import { gzipSync, strToU8 } from "fflate";
import type { ErrorBody } from "$contract/errors.ts";
import type {
  BatchAccepted,
  BatchList,
  BatchResult,
  FeedbackAccepted,
  Health,
  Me,
  MetricsResponse,
  ModelDetail,
  ModelSummary,
  RetrainResponse,
} from "$contract/api.ts";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;

  constructor(status: number, code: string, message: string, requestId: string | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

/** What a new batch carries: rows in the model's feature order, optional client ids. */
export interface NewBatch {
  features: number[][];
  ids?: string[];
}

type Fetch = typeof fetch;

interface CallOptions {
  method?: "GET" | "POST";
  /** JSON-serialised as is, or gzip-compressed when `gzip` is set. */
  json?: unknown;
  gzip?: boolean;
}

// The server records where a batch or a label came from; the dashboard says so.
const CLIENT_HEADER = { "x-client": "dashboard" };

/** The API's error body (contract/errors.ts), recognised by its fields. */
function isErrorBody(body: unknown): body is ErrorBody {
  const error = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  return typeof error?.code === "string" && typeof error.message === "string";
}

async function toApiError(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  if (isErrorBody(body)) {
    return new ApiError(response.status, body.error.code, body.error.message, body.error.requestId ?? null);
  }
  return new ApiError(
    response.status,
    "BAD_RESPONSE",
    `The API answered ${response.status} ${response.statusText} without an error body.`,
    response.headers.get("x-request-id"),
  );
}

/** A client bound to one API key; pass SvelteKit's `fetch` from a load function. */
export function createApi(key: string | null, fetcher: Fetch = fetch) {
  async function send(path: string, options: CallOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json", ...CLIENT_HEADER };
    if (key) headers.authorization = `Bearer ${key}`;
    let body: BodyInit | undefined;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      const text = JSON.stringify(options.json);
      if (options.gzip) {
        headers["content-encoding"] = "gzip";
        body = new Blob([gzipSync(strToU8(text))]);
      } else {
        body = text;
      }
    }
    try {
      return await fetcher(path, { method: options.method ?? "GET", headers, body });
    } catch (error) {
      throw new ApiError(0, "NETWORK", `Cannot reach the API: ${(error as Error).message}`);
    }
  }

  async function call<T>(path: string, options?: CallOptions): Promise<T> {
    const response = await send(path, options);
    if (!response.ok) throw await toApiError(response);
    return (await response.json()) as T;
  }

  return {
    health: () => call<Health>("/v1/health"),
    /** Who the key belongs to and what it may do. */
    me: () => call<Me>("/v1/me"),
    listBatches: (limit: number, cursor?: string | null) =>
      call<BatchList>(`/v1/batches?${new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) })}`),
    getBatch: (id: string, explain = false) =>
      call<BatchResult>(`/v1/batches/${encodeURIComponent(id)}${explain ? "?explain=1" : ""}`),
    /** gzip-compressed in the browser, as the API expects from bulk clients. */
    submitBatch: (batch: NewBatch) => call<BatchAccepted>("/v1/batches", { method: "POST", json: batch, gzip: true }),
    sendFeedback: (id: string, rows: number[], labels: (0 | 1)[]) =>
      call<FeedbackAccepted>(`/v1/batches/${encodeURIComponent(id)}/feedback`, {
        method: "POST",
        json: { rows, labels },
      }),
    /** The CSV export needs the Authorization header, so it is fetched rather than linked. */
    exportCsv: async (id: string): Promise<Blob> => {
      const response = await send(`/v1/batches/${encodeURIComponent(id)}/export.csv`);
      if (!response.ok) throw await toApiError(response);
      return response.blob();
    },
    listModels: () => call<{ models: ModelSummary[] }>("/v1/models"),
    getModel: (version: string) => call<ModelDetail>(`/v1/models/${encodeURIComponent(version)}`),
    retrain: (force: boolean) => call<RetrainResponse>("/v1/models/retrain", { method: "POST", json: { force } }),
    activate: (version: string) =>
      call<ModelSummary>(`/v1/models/${encodeURIComponent(version)}/activate`, { method: "POST" }),
    metrics: () => call<MetricsResponse>("/v1/metrics"),
  };
}

export type Api = ReturnType<typeof createApi>;
