// What every page's load function shares: the signed-in session and an API client bound to
// it, scope checks that explain themselves, and API failures turned into SvelteKit errors.
import { error, redirect } from "@sveltejs/kit";
import { resolve } from "$app/paths";
import { ApiError, createApi, type Api } from "./api.ts";
import { clearSession, hasScope, type Scope, type Session } from "./session.ts";

interface LoadEvent {
  parent: () => Promise<{ session: Session | null }>;
  fetch: typeof fetch;
}

export async function useApi(event: LoadEvent): Promise<{ session: Session; api: Api }> {
  const { session } = await event.parent();
  if (!session) redirect(307, resolve("/signin"));
  return { session, api: createApi(session.key, event.fetch) };
}

/** A page that cannot work without `scope` says so, instead of failing on the first request. */
export function requireScope(session: Session, scope: Scope, purpose: string): void {
  if (hasScope(session, scope)) return;
  error(403, {
    code: "FORBIDDEN",
    message: `To ${purpose} the key needs the "${scope}" scope; key ${session.keyId} has ${
      session.scopes.length ? session.scopes.join(", ") : "no scopes"
    }. Sign in with another key to continue.`,
  });
}

/** Rethrows a load failure as SvelteKit's error (or a redirect to sign in when the key stopped working). */
export function failLoad(cause: unknown): never {
  if (cause instanceof ApiError) {
    if (cause.status === 401) {
      clearSession();
      redirect(307, resolve("/signin?expired=1"));
    }
    error(cause.status >= 400 && cause.status <= 599 ? cause.status : 503, {
      message: cause.message,
      code: cause.code,
      requestId: cause.requestId,
    });
  }
  throw cause;
}
