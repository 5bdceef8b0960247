// POST /v1/batches bodies: zod checks the envelope; the rows — up to 500,000 numbers — are
// checked by one plain loop, because zod's generic walk over them cost ≈25 ms of a 10,000 × 20
// batch's ingest CPU in workerd. The loop accepts exactly what the contract's schema accepts
// (1…maxBatchRows rows of 1…maxFeatures finite numbers); anything else is handed to zod, so a
// refusal carries zod's message and path, as before.
import { BatchRequest } from "../contract/api.ts";
import { LIMITS } from "../contract/limits.ts";
import { parseRequest } from "./parse-request.ts";

const Envelope = BatchRequest.omit({ features: true });

export function parseBatchRequest(value: unknown): BatchRequest {
  const features = isRecord(value) ? value.features : undefined;
  if (isRecord(value) && plainRows(features)) {
    return { ...parseRequest(Envelope, value, "INVALID_BATCH"), features };
  }
  return parseRequest(BatchRequest, value, "INVALID_BATCH");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function plainRows(rows: unknown): rows is number[][] {
  if (!Array.isArray(rows) || rows.length < 1 || rows.length > LIMITS.maxBatchRows) return false;
  for (const row of rows) {
    if (!Array.isArray(row) || row.length < 1 || row.length > LIMITS.maxFeatures) return false;
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (typeof v !== "number" || !Number.isFinite(v)) return false;
    }
  }
  return true;
}
