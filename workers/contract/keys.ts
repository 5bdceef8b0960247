// API keys as every side sees them: the scopes a key may carry and the key's text format
// (esk_<id>_<secret>, where the id itself is "key_<suffix>"). Declared once here, without zod,
// so the Worker, the CLI and the dashboard bundle import the same values.
export const SCOPES = ["ingest", "read", "feedback", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export const KEY_PATTERN = /^esk_([a-z]+_[a-z0-9]+)_([A-Za-z0-9_-]{32,})$/;
export const KEY_FORMAT = "esk_<id>_<secret>";

/** The key's public id (`key_…`), or null when the text is not shaped like an API key. */
export function keyIdOf(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}
