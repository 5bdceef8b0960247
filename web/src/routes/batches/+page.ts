// Batches: the form for a new one (needs the ingest scope and the model's feature names, which
// /v1/health gives without a key) and the list, newest first, one page per cursor.
import { hasScope } from "$lib/session.ts";
import { failLoad, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

const PAGE_SIZE = 20;

export const load: PageLoad = async (event) => {
  const { session, api } = await useApi(event);
  const cursor = event.url.searchParams.get("cursor");
  try {
    const [health, list] = await Promise.all([
      api.health(),
      hasScope(session, "read") ? api.listBatches(PAGE_SIZE, cursor) : Promise.resolve(null),
    ]);
    return { health, list, cursor };
  } catch (error) {
    failLoad(error);
  }
};
