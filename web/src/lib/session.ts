// The signed-in API key and what it may do. By default the key lives in sessionStorage: it
// is an admin-grade secret, so it should not outlive the tab or be visible to other tabs
// unless the user asks for that. "Remember on this device" puts it in localStorage instead.
import { SCOPES, type Scope } from "$contract/keys.ts";

export { keyIdOf, SCOPES, type Scope } from "$contract/keys.ts";

export interface Session {
  key: string;
  /** The public part of the key (`key_…`). */
  keyId: string;
  /** The tenant the key belongs to. */
  tenant: string;
  scopes: Scope[];
  remember: boolean;
}

const STORAGE_KEY = "edge-svm.session";

function isSession(value: unknown): value is Session {
  const s = value as Partial<Session> | null;
  return (
    typeof s?.key === "string" &&
    typeof s.keyId === "string" &&
    typeof s.tenant === "string" &&
    Array.isArray(s.scopes) &&
    s.scopes.every((scope) => (SCOPES as readonly string[]).includes(scope))
  );
}

function read(storage: Storage): Session | null {
  try {
    const value: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? "null");
    return isSession(value) ? value : null;
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  return read(sessionStorage) ?? read(localStorage);
}

export function saveSession(session: Session): void {
  clearSession();
  (session.remember ? localStorage : sessionStorage).setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  localStorage.removeItem(STORAGE_KEY);
}

export function hasScope(session: Session | null, scope: Scope): boolean {
  return session?.scopes.includes(scope) ?? false;
}
