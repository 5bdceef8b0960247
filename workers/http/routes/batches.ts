// /v1/batches: submit a compressed batch (ingest scope), list and read batches (read scope),
// delete one with everything derived from it (admin scope).
import { z } from "zod";
import { BatchAccepted, BatchId, BatchList, BatchReadQuery, BatchResult, ListQuery } from "../../contract/api.ts";
import { ApiError } from "../../contract/errors.ts";
import { BODY_LIMITS, LIMITS } from "../../contract/limits.ts";
import { decodeBodyBytes, parseJsonBytes } from "../../codecs/decode-body.ts";
import { ARROW_STREAM } from "../../codecs/arrow-batch.ts";
import { ingestBatch } from "../../services/ingest-batch.ts";
import { readBatch, servableText } from "../../services/read-batch.ts";
import { deleteBatch } from "../../services/delete-batch.ts";
import { explainPredictions } from "../../services/explain-predictions.ts";
import { listBatches } from "../../services/list-batches.ts";
import { withSavedLabels } from "../../services/saved-labels.ts";
import { exportBatchCsv } from "../../services/export-batch.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { apiRoute, apiRouter, ROW_ERRORS, storedJson } from "../api-route.ts";
import { batchIdParam } from "../params.ts";

const BatchParams = z.object({ id: BatchId });

const submit = apiRoute({
  method: "post",
  path: "/batches",
  operationId: "submitBatch",
  tags: ["Batches"],
  summary: "Submit a batch of feature rows for scoring: JSON or an Arrow IPC stream, gzip, deflate or plain",
  description:
    "JSON: `{features, ids?, callbackUrl?}`. Arrow: one numeric column per model feature (any order) and an optional utf8 `id` column; its `callbackUrl` goes in the query. The rows are durable in R2 when the 202 is sent; poll `statusUrl` or wait for the signed callback. Answered 200 with the original batch when an `Idempotency-Key` is replayed.",
  scope: "ingest",
  headers: z.object({
    // Described, not enforced here: the body decoder answers an unknown encoding with its 415.
    "content-encoding": z.string().optional().describe("gzip, deflate or identity (the default)"),
    "idempotency-key": z
      .string()
      .optional()
      .describe(
        `1–${LIMITS.maxIdempotencyKeyLength} characters; a replay with the same body answers the original batch`,
      ),
  }),
  query: z.object({ callbackUrl: z.string().optional().describe("For Arrow bodies: where to POST the result") }),
  body: {
    "application/json": {
      component: "BatchRequest",
      example: {
        features: [
          [3.62, 8.67, -2.81, -0.45],
          [-1.4, -4.88, 6.48, 0.34],
        ],
        ids: ["note-1", "note-2"],
      },
    },
    "application/vnd.apache.arrow.stream": { binary: true, description: "An Arrow IPC stream" },
  },
  ok: {
    status: [202, 200],
    description: "Accepted (200: an Idempotency-Key replayed)",
    schema: BatchAccepted,
    example: {
      batchId: "bat_mx67060m4c5dc77ed9ef",
      status: "pending",
      rows: 1000,
      statusUrl: "/v1/batches/bat_mx67060m4c5dc77ed9ef",
    },
  },
  errors: [...ROW_ERRORS, "INVALID_CALLBACK_URL", "IDEMPOTENCY_CONFLICT", "STORAGE_UNAVAILABLE", "ENQUEUE_FAILED"],
});

const list = apiRoute({
  method: "get",
  path: "/batches",
  operationId: "listBatches",
  tags: ["Batches"],
  summary: "List this tenant's batches, newest first",
  description:
    "Filters combine; `from` and `to` are inclusive. `nextCursor` carries the filters of its listing, so the next page lists the same batches.",
  scope: "read",
  query: ListQuery,
  ok: { status: 200, description: "One page", schema: BatchList },
  errors: ["INVALID_REQUEST"],
});

const exportCsv = apiRoute({
  method: "get",
  path: "/batches/{id}/export.csv",
  operationId: "exportBatchCsv",
  tags: ["Batches"],
  summary: "Features, predictions and feedback of a batch as CSV",
  scope: "read",
  params: BatchParams,
  ok: { status: 200, description: "CSV, streamed", contentType: "text/csv" },
  errors: ["INVALID_REQUEST", "NOT_FOUND", "STORAGE_UNAVAILABLE"],
});

const remove = apiRoute({
  method: "delete",
  path: "/batches/{id}",
  operationId: "deleteBatch",
  tags: ["Batches"],
  summary: "Delete a batch: its rows, result and labels, everywhere (audited)",
  description:
    "Labels deleted with it no longer reach later training sets. Batches also go when the tenant's retention runs out.",
  scope: "admin",
  params: BatchParams,
  ok: { status: 204, description: "Deleted" },
  errors: ["INVALID_REQUEST", "NOT_FOUND"],
});

const get = apiRoute({
  method: "get",
  path: "/batches/{id}",
  operationId: "getBatch",
  tags: ["Batches"],
  summary: "A batch's status and, once complete, its predictions",
  description:
    "`feedback=1` adds each row's latest saved true label, read when asked (labels change after the batch completes).",
  scope: "read",
  params: BatchParams,
  query: BatchReadQuery,
  ok: { status: 200, description: "The batch", schema: BatchResult },
  errors: ["INVALID_REQUEST", "NOT_FOUND", "STORAGE_UNAVAILABLE"],
});

export const batchRoutes = apiRouter()
  .openapi(submit, async (c) => {
    const idempotencyKey = c.req.header("idempotency-key") ?? null;
    if (
      idempotencyKey !== null &&
      (idempotencyKey.length === 0 || idempotencyKey.length > LIMITS.maxIdempotencyKeyLength)
    ) {
      throw new ApiError("INVALID_REQUEST", `Idempotency-Key must be 1–${LIMITS.maxIdempotencyKeyLength} characters.`);
    }
    // JSON, or an Arrow IPC stream (its callbackUrl, if any, in the query), each under the batch caps.
    const decoded = await decodeBodyBytes(c.req.raw, BODY_LIMITS.batch, ["application/json", ARROW_STREAM], {
      hash: idempotencyKey !== null,
    });
    const body =
      decoded.type === ARROW_STREAM
        ? { kind: "arrow" as const, bytes: decoded.bytes, callbackUrl: c.req.query("callbackUrl") }
        : { kind: "json" as const, value: (await parseJsonBytes(decoded.bytes, BODY_LIMITS.batch)).value };
    const source = c.req.header("x-client") === "dashboard" ? "dashboard" : "api";
    const { replayed, accepted } = await ingestBatch(c.get("adapters"), c.get("principal"), {
      body,
      bodyHash: decoded.sha256 ?? "",
      idempotencyKey,
      source,
    });
    c.header("Location", accepted.statusUrl);
    return replayed ? c.json(accepted, 200) : c.json(accepted, 202);
  })
  .openapi(list, async (c) => {
    const query = parseRequest(ListQuery, c.req.query());
    const body: BatchList = await listBatches(c.get("adapters"), c.get("principal").tenantId, query);
    return c.json(body, 200);
  })
  .openapi(exportCsv, async (c) => {
    const adapters = c.get("adapters");
    const id = batchIdParam(c);
    const batch = await adapters.batches.findBatch(c.get("principal").tenantId, id);
    if (!batch) throw new ApiError("NOT_FOUND", `No batch ${id}.`);
    return new Response(await exportBatchCsv(adapters, batch), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${batch.id}.csv"`,
      },
    });
  })
  .openapi(remove, async (c) => {
    const id = batchIdParam(c);
    const principal = c.get("principal");
    if (!(await deleteBatch(c.get("adapters"), principal.tenantId, id, `key:${principal.keyId}`))) {
      throw new ApiError("NOT_FOUND", `No batch ${id}.`);
    }
    return c.body(null, 204);
  })
  .openapi(get, async (c) => {
    const query = parseRequest(BatchReadQuery, c.req.query());
    const adapters = c.get("adapters");
    const id = batchIdParam(c);
    const tenantId = c.get("principal").tenantId;
    const explained = query.explain === "1" || query.explain === "true";
    const labelled = query.feedback === "1" || query.feedback === "true";
    const entry = await adapters.results.getResultText(id);
    // The stored text as it is, unless something is added to it; labels are never cached.
    const text = explained || labelled ? null : servableText(entry, tenantId);
    if (text !== null) return storedJson<BatchResult>(c, text);
    let result = await readBatch(adapters, tenantId, id, entry);
    if (!result) throw new ApiError("NOT_FOUND", `No batch ${id}.`);
    if (explained) result = await explainPredictions(adapters, tenantId, result);
    if (labelled) result = await withSavedLabels(adapters, result);
    return c.json(result, 200);
  });
