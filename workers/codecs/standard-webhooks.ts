// Standard Webhooks (standardwebhooks.com): HMAC-SHA256 over "id.timestamp.body" with a
// "whsec_<base64>" secret, sent as "webhook-signature: v1,<base64>". Pure WebCrypto.
import { constantTimeEqual } from "./ids.ts";

export const TOLERANCE_SECONDS = 5 * 60;

export function createWebhookSecret(): string {
  return `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`;
}

export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secretBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

export type WebhookVerdict = { ok: true } | { ok: false; reason: "missing-headers" | "timestamp" | "signature" };

/**
 * Accepts a signature made with any of `secrets` (the current one and, after a rotation, the
 * previous one), so a sender that has not switched yet keeps working while both are valid.
 */
export async function verifyWebhook(
  secrets: string | readonly string[],
  headers: { id: string | null; timestamp: string | null; signature: string | null },
  body: string,
  nowSeconds: number,
): Promise<WebhookVerdict> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing-headers" };
  const ts = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - ts) > TOLERANCE_SECONDS)
    return { ok: false, reason: "timestamp" };
  const expected = await Promise.all(
    (typeof secrets === "string" ? [secrets] : secrets).map(async (s) => (await signWebhook(s, id, ts, body)).slice(3)),
  );
  // The header may carry several space-separated signatures (a sender mid-rotation); any v1 match counts.
  const matches = signature
    .split(" ")
    .filter((part) => part.startsWith("v1,"))
    .some((part) => expected.some((mac) => constantTimeEqual(part.slice(3), mac)));
  return matches ? { ok: true } : { ok: false, reason: "signature" };
}

function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  const raw = atob(secret.startsWith("whsec_") ? secret.slice(6) : secret);
  return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
