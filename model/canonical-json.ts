// Canonical JSON for checksums: object keys sorted at every depth, no whitespace, numbers in
// JavaScript's shortest round-trip form (in the spirit of RFC 8785, the JSON Canonicalization
// Scheme), so a checksum covers values rather than one writer's byte layout.

/** The canonical JSON text of a JSON value; undefined object members are left out, as JSON.stringify does. */
export function canonicalizeJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalizeJson(item ?? null)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalizeJson(member)}`);
    return `{${members.join(",")}}`;
  }
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${typeof value} has no JSON form`);
  return text;
}

/** Lower-case hex SHA-256 (FIPS 180-4) of the UTF-8 bytes of a string, by WebCrypto. */
export async function hashSha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
