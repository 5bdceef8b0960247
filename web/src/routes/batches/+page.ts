// Batches: the form for a new one (needs the ingest scope and the tenant's model, whose feature
// names GET /v1/me gives to any key) and the list, newest first, filtered, one page per cursor.
import { hasScope } from "$lib/session.ts";
import { failLoad, useApi } from "$lib/load.ts";
import { filtersOf, listQuery } from "./filters.ts";
import type { PageLoad } from "./$types";

const PAGE_SIZE = 20;

export const load: PageLoad = async (event) => {
  const { session, api } = await useApi(event);
  const cursor = event.url.searchParams.get("cursor");
  const filters = filtersOf(event.url.searchParams);
  const canRead = hasScope(session, "read");
  try {
    const [me, list, models] = await Promise.all([
      api.me(),
      canRead
        ? api.listBatches({ ...listQuery(filters), limit: PAGE_SIZE, cursor: cursor ?? undefined })
        : Promise.resolve(null),
      canRead ? api.listModels() : Promise.resolve(null),
    ]);
    return { me, list, cursor, filters, versions: models?.models.map((model) => model.version) ?? [] };
  } catch (error) {
    failLoad(error);
  }
};
