// The dashboard calls the API through the typed client (client/index.ts, imported as $client):
// its answers are typed from the Worker's own route declarations, so a changed response schema
// fails the dashboard's type check. This file only binds the client to the signed-in key and
// SvelteKit's fetch, marks the dashboard as the sender, and reports an unreachable API as an
// error with a code like any other.
import { ApiRequestError, createClient } from "$client/index.ts";

export { ApiRequestError as ApiError } from "$client/index.ts";

// The server records where a batch or a label came from; the dashboard says so.
const CLIENT_HEADERS = { "x-client": "dashboard" };

/** A client bound to one API key; pass SvelteKit's `fetch` from a load function. */
export function createApi(key: string, fetcher: typeof fetch = fetch) {
  const reaching: typeof fetch = async (input, init) => {
    try {
      return await fetcher(input, init);
    } catch (error) {
      throw new ApiRequestError(0, "NETWORK", `Cannot reach the API: ${(error as Error).message}`);
    }
  };
  // Same origin: the Worker serves the dashboard and the API. Two retries of a 429 or 503 at
  // most, so a page never waits long on a busy server before saying so.
  return createClient({ baseUrl: "", key, fetch: reaching, headers: CLIENT_HEADERS, retry: { attempts: 3 } });
}

export type Api = ReturnType<typeof createApi>;

/** What a new batch carries: rows in the model's feature order, optional client ids. */
export interface NewBatch {
  features: number[][];
  ids?: string[];
}
