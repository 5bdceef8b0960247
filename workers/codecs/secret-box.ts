// Secrets at rest: AES-256-GCM through WebCrypto (the same code runs in workerd and Node),
// under a key kept outside the database (the WEBHOOK_SECRETS_KEY Worker secret). A sealed value
// is "enc1:<iv base64>:<ciphertext and tag base64>": the version prefix tells it from a legacy
// plaintext value and leaves room for another format. The context (the owning row's id) is
// bound as additional authenticated data, so a value copied into another row does not open.

export const SEALED_PREFIX = "enc1:";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A wrong key, a malformed key, or a sealed value that was altered: nothing is returned. */
export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

/** A new random 256-bit key, base64: the value to keep as WEBHOOK_SECRETS_KEY. */
export function createSecretsKey(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(KEY_BYTES)));
}

export async function importSecretsKey(base64: string | undefined): Promise<CryptoKey> {
  const bytes = base64 === undefined ? null : fromBase64(base64.trim());
  if (bytes?.length !== KEY_BYTES) throw new SecretBoxError(`the key must be ${KEY_BYTES} bytes in base64`);
  return crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

export async function encryptSecret(key: CryptoKey, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encode(context) },
    key,
    encode(plaintext),
  );
  return `${SEALED_PREFIX}${toBase64(iv)}:${toBase64(new Uint8Array(sealed))}`;
}

export async function decryptSecret(key: CryptoKey, sealed: string, context: string): Promise<string> {
  const parts = sealed.split(":");
  const iv = parts.length === 3 && isSealed(sealed) ? fromBase64(parts[1]) : null;
  const data = iv ? fromBase64(parts[2]) : null;
  if (iv?.length !== IV_BYTES || !data || data.length < TAG_BYTES)
    throw new SecretBoxError("not a sealed secret (enc1:<iv>:<ciphertext>)");
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: encode(context) }, key, data);
    return new TextDecoder().decode(plain);
  } catch {
    throw new SecretBoxError("the sealed secret does not open: a different key, or it was altered");
  }
}

function encode(text: string) {
  return new TextEncoder().encode(text);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64.test(text)) return null;
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
