// Batches: the form for a new one (needs the ingest scope and the tenant's model, whose feature
// names GET /v1/me gives to any key) and the list, newest first, one page per cursor.
import { hasScope } from "$lib/session.ts";
import { failLoad, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

const PAGE_SIZE = 20;

export const load: PageLoad = async (event) => {
  const { session, api } = await useApi(event);
  const cursor = event.url.searchParams.get("cursor");
  try {
    const [me, list] = await Promise.all([
      api.me(),
      hasScope(session, "read")
        ? api.listBatches({ limit: PAGE_SIZE, cursor: cursor ?? undefined })
        : Promise.resolve(null),
    ]);
    return { me, list, cursor };
  } catch (error) {
    failLoad(error);
  }
};
