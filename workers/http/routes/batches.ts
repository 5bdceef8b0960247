// /v1/batches: submit a compressed batch (ingest scope), list and read batches (read scope),
// delete one with everything derived from it (admin scope).
import { Hono } from "hono";
import { ExplainQuery, ListQuery, type BatchList } from "../../contract/api.ts";
import { ApiError } from "../../contract/errors.ts";
import { BODY_LIMITS, LIMITS } from "../../contract/limits.ts";
import { decodeBodyBytes, parseJsonBytes } from "../../codecs/decode-body.ts";
import { ARROW_STREAM } from "../../codecs/arrow-batch.ts";
import { decodeCursor, encodeCursor } from "../../codecs/cursor.ts";
import { ingestBatch } from "../../services/ingest-batch.ts";
import { readBatch, servableText } from "../../services/read-batch.ts";
import { deleteBatch } from "../../services/delete-batch.ts";
import { explainPredictions } from "../../services/explain-predictions.ts";
import { toBatchSummary } from "../../services/batch-result.ts";
import { exportBatchCsv } from "../../services/export-batch.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { requireScope } from "../authenticate.ts";
import type { AppEnv } from "../app-env.ts";
import { batchIdParam } from "../params.ts";

export const batchRoutes = new Hono<AppEnv>()
  .post("/batches", requireScope("ingest"), async (c) => {
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
    return c.json(accepted, replayed ? 200 : 202);
  })
  .get("/batches", requireScope("read"), async (c) => {
    const query = parseRequest(ListQuery, c.req.query());
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const rows = await c.get("adapters").batches.listBatches(c.get("principal").tenantId, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const body: BatchList = {
      batches: page.map(toBatchSummary),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
    return c.json(body);
  })
  .get("/batches/:id/export.csv", requireScope("read"), async (c) => {
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
  .delete("/batches/:id", requireScope("admin"), async (c) => {
    const id = batchIdParam(c);
    const principal = c.get("principal");
    if (!(await deleteBatch(c.get("adapters"), principal.tenantId, id, `key:${principal.keyId}`))) {
      throw new ApiError("NOT_FOUND", `No batch ${id}.`);
    }
    return c.body(null, 204);
  })
  .get("/batches/:id", requireScope("read"), async (c) => {
    const { explain } = parseRequest(ExplainQuery, c.req.query());
    const adapters = c.get("adapters");
    const id = batchIdParam(c);
    const tenantId = c.get("principal").tenantId;
    const explained = explain === "1" || explain === "true";
    const entry = await adapters.results.getResultText(id);
    const text = explained ? null : servableText(entry, tenantId);
    if (text !== null) return c.body(text, 200, { "content-type": "application/json" });
    const result = await readBatch(adapters, tenantId, id, entry);
    if (!result) throw new ApiError("NOT_FOUND", `No batch ${id}.`);
    return c.json(explained ? await explainPredictions(adapters, tenantId, result) : result);
  });
