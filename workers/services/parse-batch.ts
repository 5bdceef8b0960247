// POST /v1/batches bodies: zod checks the envelope; the rows — up to 500,000 numbers — are
// checked by one plain loop, because zod's generic walk over them cost ≈25 ms of a 10,000 × 20
// batch's ingest CPU in workerd. The loop accepts exactly what the contract's schema accepts
// (1…maxBatchRows rows of 1…maxFeatures finite numbers); anything else is handed to zod, so a
// refusal carries zod's message and path, as before. Once the model is known, batchColumns
// walks the rows once more, the only time: it checks each row against the model's features and
// writes the column-major frame the row store keeps, in the same pass.
import { BatchRequest } from "../contract/api.ts";
import { ApiError } from "../contract/errors.ts";
import { LIMITS } from "../contract/limits.ts";
import { checkFeatureRows } from "./check-feature-rows.ts";
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

/** The envelope of a batch (ids, callbackUrl) by zod, without walking the rows. */
export function parseBatchEnvelope(value: unknown): Omit<BatchRequest, "features"> {
  return parseRequest(Envelope, isRecord(value) ? value : {}, "INVALID_BATCH");
}

/**
 * The rows of a batch body as column-major features in the model's order, checked in the same
 * single pass: every row an array of exactly d finite numbers within ±maxAbsFeatureValue. At the
 * first row that is not, the full checks run to refuse it with the message they always gave
 * (the contract's schema first, then the model's feature count and range).
 */
export function batchColumns(
  value: unknown,
  featureNames: readonly string[],
  modelVersion: string,
): { rows: number; features: Float64Array } {
  const rows = isRecord(value) ? value.features : undefined;
  const d = featureNames.length;
  if (Array.isArray(rows) && rows.length >= 1 && rows.length <= LIMITS.maxBatchRows) {
    const n = rows.length;
    const features = new Float64Array(n * d);
    let i = 0;
    for (; i < n; i++) {
      const row: unknown = rows[i];
      if (!Array.isArray(row) || row.length !== d) break;
      let j = 0;
      for (; j < d; j++) {
        const v: unknown = row[j];
        if (typeof v !== "number" || !(Math.abs(v) <= LIMITS.maxAbsFeatureValue)) break;
        features[j * n + i] = v;
      }
      if (j < d) break;
    }
    if (i === n) return { rows: n, features };
  }
  const request = parseBatchRequest(value);
  checkFeatureRows(request.features, request.ids, featureNames, modelVersion);
  throw new ApiError("INVALID_BATCH", "The batch's rows do not match the model's features.");
}
