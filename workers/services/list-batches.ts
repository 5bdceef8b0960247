// GET /v1/batches: one keyset page of the tenant's batches, newest first, narrowed by the query's
// filters. The filters are turned into the store's terms once (dates to inclusive epoch-ms
// bounds) and ride in the page's cursor, so following nextCursor lists the same batches whether
// or not the client repeats them; a cursor with different filters beside it is refused.
import type { Adapters } from "../adapters/index.ts";
import type { BatchFilter, BatchList, ListQuery } from "../contract/api.ts";
import { ApiError } from "../contract/errors.ts";
import { decodeCursor, encodeCursor } from "../codecs/cursor.ts";
import { toBatchSummary } from "./batch-result.ts";

const DAY_MS = 86_400_000;
const FILTER_KEYS = ["status", "source", "from", "to", "modelVersion"] as const;

export async function listBatches(adapters: Adapters, tenantId: string, query: ListQuery): Promise<BatchList> {
  const asked = filterOf(query);
  const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const filter = cursor ? continuedFilter(asked, cursor.filter ?? {}) : asked;
  const rows = await adapters.batches.listBatches(tenantId, query.limit + 1, cursor, filter);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    batches: page.map(toBatchSummary),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id, filter }) : null,
  };
}

/** The query's filters in the store's terms: a `to` date takes in the whole of that day (UTC). */
export function filterOf(query: ListQuery): BatchFilter {
  const from = query.from === undefined ? undefined : Date.parse(query.from);
  const to = query.to === undefined ? undefined : Date.parse(query.to) + (isDate(query.to) ? DAY_MS - 1 : 0);
  if (from !== undefined && to !== undefined && from > to) {
    throw new ApiError("INVALID_REQUEST", `from (${query.from}) is after to (${query.to}).`);
  }
  const filter: BatchFilter = {
    status: query.status,
    source: query.source,
    from,
    to,
    modelVersion: query.modelVersion,
  };
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

/** The cursor's filters, provided the query repeats none of them differently. */
function continuedFilter(asked: BatchFilter, carried: BatchFilter): BatchFilter {
  const changed = FILTER_KEYS.filter((key) => asked[key] !== undefined && asked[key] !== carried[key]);
  if (changed.length > 0) {
    throw new ApiError(
      "INVALID_REQUEST",
      `The cursor continues a listing with other filters (${changed.join(", ")}): drop the cursor to start a new one.`,
    );
  }
  return carried;
}

/** A bare date ("2026-01-31"), as opposed to a date-time. */
const isDate = (text: string) => text.length === 10;
