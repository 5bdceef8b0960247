// Standard Webhooks: what signWebhook signs verifies within five minutes, any one changed byte
// or a stale timestamp never does, and no header a sender makes up throws.
import { fc, it } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  TOLERANCE_SECONDS,
  createWebhookSecret,
  signWebhook,
  verifyWebhook,
} from "../../workers/codecs/standard-webhooks.ts";
import { RUNS, anyString, unicodeString, utf8 } from "./arbitraries.ts";

const now = fc.integer({ min: TOLERANCE_SECONDS, max: 2 ** 40 });
const id = unicodeString({ minLength: 1, maxLength: 40 });
const body = unicodeString({ maxLength: 200 });
const skew = fc.integer({ min: -TOLERANCE_SECONDS, max: TOLERANCE_SECONDS });
const flip = fc.record({ at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) });

/** The text with one UTF-8 byte changed (read back leniently, as a server would decode it). */
function flipByte(text: string, { at, mask }: { at: number; mask: number }): string {
  const bytes = utf8(text);
  bytes[at % bytes.length] ^= mask;
  return new TextDecoder().decode(bytes);
}

async function signed(secret: string, webhookId: string, timestamp: number, payload: string) {
  return {
    id: webhookId,
    timestamp: String(timestamp),
    signature: await signWebhook(secret, webhookId, timestamp, payload),
  };
}

describe("verifyWebhook", () => {
  it.prop([id, body, now, skew, fc.boolean()], RUNS)(
    "accepts what signWebhook signed within five minutes, with the current or the previous secret",
    async (webhookId, payload, nowSeconds, offset, rotated) => {
      const secret = createWebhookSecret();
      const secrets = rotated ? [createWebhookSecret(), secret] : secret;
      const headers = await signed(secret, webhookId, nowSeconds + offset, payload);
      await expect(verifyWebhook(secrets, headers, payload, nowSeconds)).resolves.toEqual({ ok: true });
    },
  );

  it.prop([id, body, now, skew, fc.constantFrom("body", "id", "signature"), flip], RUNS)(
    "refuses a delivery with any one byte of its body, id or signature changed",
    async (webhookId, payload, nowSeconds, offset, part, change) => {
      fc.pre(part !== "body" || payload.length > 0);
      const secret = createWebhookSecret();
      const headers = await signed(secret, webhookId, nowSeconds + offset, payload);
      const changed = {
        id: part === "id" ? flipByte(headers.id, change) : headers.id,
        signature: part === "signature" ? flipByte(headers.signature, change) : headers.signature,
      };
      const changedBody = part === "body" ? flipByte(payload, change) : payload;
      fc.pre(changed.id !== headers.id || changed.signature !== headers.signature || changedBody !== payload);
      const verdict = await verifyWebhook(secret, { ...headers, ...changed }, changedBody, nowSeconds);
      expect(verdict.ok).toBe(false);
    },
  );

  it.prop([id, body, now, fc.integer({ min: TOLERANCE_SECONDS + 1, max: 10 ** 9 }), fc.constantFrom(-1, 1)], RUNS)(
    "refuses a delivery signed more than five minutes before or after now",
    async (webhookId, payload, nowSeconds, gap, sign) => {
      const secret = createWebhookSecret();
      const timestamp = nowSeconds + sign * gap;
      fc.pre(timestamp >= 0);
      const headers = await signed(secret, webhookId, timestamp, payload);
      await expect(verifyWebhook(secret, headers, payload, nowSeconds)).resolves.toEqual({
        ok: false,
        reason: "timestamp",
      });
    },
  );

  const header = fc.option(
    fc.oneof(
      anyString(80),
      fc.nat().map(String),
      fc.constantFrom("", " ", "v1,", "v1, ", "v2,abc", "1e9", "-1", "0x10", "01700000000"),
      fc.base64String().map((b64) => `v1,${b64}`),
    ),
    { nil: null },
  );

  it.prop([header, header, header, anyString(200), now], RUNS)(
    "answers made-up headers with a refusal and never throws",
    async (webhookId, timestamp, signature, payload, nowSeconds) => {
      const verdict = await verifyWebhook(
        [createWebhookSecret(), createWebhookSecret()],
        { id: webhookId, timestamp, signature },
        payload,
        nowSeconds,
      );
      expect(verdict.ok).toBe(false);
    },
  );
});
