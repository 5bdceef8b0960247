// The batches list's filters, between the page's query string and the API's: what the form
// shows, what the API is asked, and what the "Older" link must carry. Kept out of the markup.
import type { BatchStatus } from "$contract/api.ts";

export const FILTER_NAMES = ["status", "source", "from", "to", "modelVersion"] as const;
export type FilterName = (typeof FILTER_NAMES)[number];
export type Filters = Partial<Record<FilterName, string>>;

export const STATUSES: BatchStatus[] = ["pending", "complete", "failed"];
export const SOURCES = ["api", "dashboard"];

/** The filters set in a page URL (empty fields dropped). */
export function filtersOf(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

/** The API's query: the filters as the route declares them. */
export function listQuery(filters: Filters) {
  return { ...filters, status: filters.status as BatchStatus | undefined };
}

/** The query (without "?") of a page of the list with these filters (and a cursor, for older pages). */
export function pageQuery(filters: Filters, cursor?: string | null): string {
  const params = new URLSearchParams(Object.entries(filters) as [string, string][]);
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}
