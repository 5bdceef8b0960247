// Signing in asks the API who the key belongs to (GET /v1/me: a bad key answers 401), then
// keeps the key, its tenant and its scopes for the session.
import type { Pathname } from "$app/types";
import { createApi } from "$lib/api.ts";
import { keyIdOf, saveSession, type Session } from "$lib/session.ts";
import { pathAfterSignIn } from "./next-path.ts";

export class KeyFormatError extends Error {}

export async function signIn(key: string, remember: boolean): Promise<Session> {
  const trimmed = key.trim();
  const keyId = keyIdOf(trimmed);
  if (!keyId) {
    throw new KeyFormatError("That is not an edge-svm API key: keys look like esk_key_…_… (copy the whole line).");
  }
  const me = await createApi(trimmed).me();
  const session: Session = { key: trimmed, keyId: me.keyId, tenant: me.tenant, scopes: me.scopes, remember };
  saveSession(session);
  return session;
}

/** Where to go after signing in: the `?next=` page if it is on this site (see next-path.ts). */
export function pageAfterSignIn(url: URL): Pathname {
  return pathAfterSignIn(url.searchParams.get("next"), url.origin) as Pathname;
}
