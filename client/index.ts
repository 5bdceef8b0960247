// The typed client of the edge-svm API (importable as `edge-svm/client`). Its answers are typed
// by Hono's `hc` from the Worker's own route declarations (workers/http/api-route.ts): a change
// to a response schema fails this client's type check, with no generated file to forget. It
// gzips bodies, sends Apache Arrow when given typed columns, retries 429 and 503 with backoff
// and the same Idempotency-Key, and can wait for a batch to complete.
import { hc, type InferRequestType, type InferResponseType } from "hono/client";
import type { AppType } from "../workers/http/app.ts";
import { fetchWithRetry, type RetryOptions } from "./retry.ts";

export interface ClientOptions {
  /** Where the API is, e.g. http://127.0.0.1:8787 (no trailing /v1). */
  baseUrl: string;
  key: string;
  fetch?: typeof fetch;
  retry?: RetryOptions;
  /** Sent with every request, e.g. `{ "x-client": "dashboard" }` (the API records who sent a batch). */
  headers?: Record<string, string>;
}

type Api = ReturnType<typeof hc<AppType>>;
export type BatchAccepted = InferResponseType<Api["v1"]["batches"]["$post"], 202>;
export type BatchResult = InferResponseType<Api["v1"]["batches"][":id"]["$get"], 200>;
export type ModelList = InferResponseType<Api["v1"]["models"]["$get"], 200>;
export type BatchList = InferResponseType<Api["v1"]["batches"]["$get"], 200>;
export type Me = InferResponseType<Api["v1"]["me"]["$get"], 200>;
export type ModelDetail = InferResponseType<Api["v1"]["models"][":version"]["$get"], 200>;
export type ModelSummary = InferResponseType<Api["v1"]["models"][":version"]["activate"]["$post"], 200>;
export type RetrainOutcome = InferResponseType<Api["v1"]["models"]["retrain"]["$post"], 200 | 202>;
export type FeedbackAccepted = InferResponseType<Api["v1"]["predictions"]["feedback"]["$post"], 202>;
export type Metrics = InferResponseType<Api["v1"]["metrics"]["$get"], 200>;
export type MetricsHistory = InferResponseType<Api["v1"]["metrics"]["history"]["$get"], 200>;
export type RunList = InferResponseType<Api["v1"]["runs"]["$get"], 200>;
export type TrainingRun = InferResponseType<Api["v1"]["runs"][":runId"]["$get"], 200>;
/** The list's query as the route declares it: filters (status, source, from, to, modelVersion) and cursor. */
type ListQuery = NonNullable<InferRequestType<Api["v1"]["batches"]["$get"]>["query"]>;
/** One page of the batch list: its size, the previous page's nextCursor, and the filters (ISO dates or date-times). */
export type BatchListPage = Omit<ListQuery, "limit"> & { limit?: number };
/** Labels of a batch's rows, by row index (or by client id with `ids`). */
export type BatchFeedback = { rows: number[]; labels: (0 | 1)[] } | { ids: string[]; labels: (0 | 1)[] };

/** Rows as arrays in the model's feature order, or one typed column per feature name (sent as Arrow). */
export type Rows = number[][] | { columns: Record<string, Float64Array>; ids?: string[] };

export interface SubmitOptions {
  ids?: string[];
  callbackUrl?: string;
  /** Sent on every attempt; a replay answers the original batch (default: a new random key). */
  idempotencyKey?: string;
}

/** The API's error: its HTTP status, stable code, message and request id. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  constructor(status: number, code: string, message: string, requestId: string | null = null) {
    super(message);
    this.name = "ApiRequestError";
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

export function createClient(options: ClientOptions) {
  const fetcher = options.fetch ?? fetch;
  // hc passes a Headers object (not a plain record): merged through Headers, so none is lost.
  const withKey = (init?: RequestInit): RequestInit => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${options.key}`);
    return { ...init, headers };
  };
  const retrying: typeof fetch = (input, init) =>
    fetchWithRetry(fetcher, String(input), () => withKey(init), options.retry);
  const api = hc<AppType>(options.baseUrl, { fetch: retrying });
  const url = (path: string) => `${options.baseUrl}${path}`;

  return {
    api,

    /** Submits a batch (gzip JSON, or gzip Arrow for typed columns); answers once it is durable. */
    async submitBatch(rows: Rows, submit: SubmitOptions = {}): Promise<BatchAccepted> {
      const key = submit.idempotencyKey ?? crypto.randomUUID();
      const { body, type } = await encodeRows(rows, submit);
      const query =
        "columns" in rows && submit.callbackUrl ? `?callbackUrl=${encodeURIComponent(submit.callbackUrl)}` : "";
      const response = await retrying(url(`/v1/batches${query}`), {
        method: "POST",
        headers: { "content-type": type, "content-encoding": "gzip", "idempotency-key": key },
        body: await gzip(body),
      });
      return answer<BatchAccepted>(response);
    },

    /** Polls a batch until it is complete or failed (or `timeoutMs` passes). */
    async waitForBatch(batchId: string, wait: { timeoutMs?: number; intervalMs?: number } = {}): Promise<BatchResult> {
      const deadline = Date.now() + (wait.timeoutMs ?? 60_000);
      for (let interval = wait.intervalMs ?? 50; ; interval = Math.min(interval * 2, 1000)) {
        const result = await answer<BatchResult>(
          await api.v1.batches[":id"].$get({ param: { id: batchId }, query: {} }),
        );
        if (result.status !== "pending") return result;
        if (Date.now() > deadline)
          throw new Error(`batch ${batchId} is still pending after ${wait.timeoutMs ?? 60_000} ms`);
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    },

    async listModels(): Promise<ModelList> {
      return answer<ModelList>(await api.v1.models.$get());
    },

    /** The key's tenant, scopes and model (its feature names among them). */
    async me(): Promise<Me> {
      return answer<Me>(await api.v1.me.$get());
    },

    /**
     * A batch's status and, once complete, its predictions: with per-feature contributions if
     * `explain`, with each row's latest saved true label (`feedback`) if `feedback`.
     */
    async getBatch(batchId: string, read: { explain?: boolean; feedback?: boolean } = {}): Promise<BatchResult> {
      const query = {
        explain: read.explain ? ("1" as const) : undefined,
        feedback: read.feedback ? ("1" as const) : undefined,
      };
      return answer<BatchResult>(await api.v1.batches[":id"].$get({ param: { id: batchId }, query }));
    },

    /** Features, predictions and feedback of a batch as CSV. */
    async exportCsv(batchId: string): Promise<Blob> {
      const response = await api.v1.batches[":id"]["export.csv"].$get({ param: { id: batchId } });
      if (!response.ok) await answer(response);
      return response.blob();
    },

    /** Live accuracy per version, volumes, latency, drift and recent training runs. */
    async metrics(): Promise<Metrics> {
      return answer<Metrics>(await api.v1.metrics.$get());
    },

    /** Per UTC day and model version over the last `days` days (1–90; the server's default is 14). */
    async metricsHistory(days?: number): Promise<MetricsHistory> {
      const query = { days: days === undefined ? undefined : String(days) };
      return answer<MetricsHistory>(await api.v1.metrics.history.$get({ query }));
    },

    /** The tenant's training runs, newest first (1–100; the server's default is 20). */
    async listRuns(limit?: number): Promise<RunList> {
      const query = { limit: limit === undefined ? undefined : String(limit) };
      return answer<RunList>(await api.v1.runs.$get({ query }));
    },

    /** One training run: its outcome, data sizes, gate figures and the champion it was measured against. */
    async getRun(runId: string): Promise<TrainingRun> {
      return answer<TrainingRun>(await api.v1.runs[":runId"].$get({ param: { runId } }));
    },

    /** One page of the tenant's batches, newest first, filtered; nextCursor continues the same listing. */
    async listBatches(page: BatchListPage = {}): Promise<BatchList> {
      const query = { ...page, limit: page.limit === undefined ? undefined : String(page.limit) };
      return answer<BatchList>(await api.v1.batches.$get({ query }));
    },

    async sendFeedback(batchId: string, feedback: BatchFeedback): Promise<FeedbackAccepted> {
      return answer<FeedbackAccepted>(
        // The body is declared by its OpenAPI component, so hc does not type it: sent as init.
        await api.v1.batches[":id"].feedback.$post(
          { param: { id: batchId } },
          { init: { body: JSON.stringify(feedback), headers: { "content-type": "application/json" } } },
        ),
      );
    },

    async sendPredictionFeedback(predictionIds: string[], labels: (0 | 1)[]): Promise<FeedbackAccepted> {
      return answer<FeedbackAccepted>(await api.v1.predictions.feedback.$post({ json: { predictionIds, labels } }));
    },

    async getModel(version: string): Promise<ModelDetail> {
      return answer<ModelDetail>(await api.v1.models[":version"].$get({ param: { version } }));
    },

    /** Makes a version the champion (promote or roll back). */
    async activate(version: string): Promise<ModelSummary> {
      return answer<ModelSummary>(await api.v1.models[":version"].activate.$post({ param: { version } }));
    },

    /** Retrains now; the outcome, or status "running" when the run outlasts the server's wait. */
    async retrain(force = false): Promise<RetrainOutcome> {
      return answer<RetrainOutcome>(await api.v1.models.retrain.$post({ json: { force } }));
    },
  };
}

export type Client = ReturnType<typeof createClient>;

/** What answer() reads of a response: the standard Response and hc's typed one alike. */
interface Answer {
  ok: boolean;
  headers?: Headers;
  status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/** The JSON body of an answer, or the API's error as an ApiRequestError. */
async function answer<T>(response: Answer): Promise<T> {
  if (response.ok) return (await response.json()) as T;
  const text = await response.text();
  let error: { code: string; message: string; requestId?: string } = {
    code: `HTTP_${response.status}`,
    message: `The API answered ${response.status} without its error body: ${text.slice(0, 200)}`,
  };
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error ?? error;
  } catch {
    // Not the API's error body (a proxy's page): keep its first characters.
  }
  throw new ApiRequestError(
    response.status,
    error.code,
    error.message,
    error.requestId ?? response.headers?.get("x-request-id") ?? null,
  );
}

async function encodeRows(rows: Rows, submit: SubmitOptions): Promise<{ body: Uint8Array; type: string }> {
  if (!("columns" in rows)) {
    const json = JSON.stringify({ features: rows, ids: submit.ids, callbackUrl: submit.callbackUrl });
    return { body: new TextEncoder().encode(json), type: "application/json" };
  }
  // Loaded only for Arrow, so a JSON-only caller does not carry it.
  const { tableFromArrays, tableToIPC } = await import("apache-arrow");
  const ids = rows.ids ?? submit.ids;
  const table = tableFromArrays({ ...rows.columns, ...(ids ? { id: ids } : {}) });
  return { body: tableToIPC(table, "stream"), type: "application/vnd.apache.arrow.stream" };
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
