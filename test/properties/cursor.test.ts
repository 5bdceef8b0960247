// Pagination cursors: whatever a client sends back is a Cursor or a 400, and every cursor the
// API issues (for the ids it issues) decodes to what was encoded.
import { fc, it } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { decodeCursor, encodeCursor } from "../../workers/codecs/cursor.ts";
import { BatchId } from "../../workers/contract/api.ts";
import { RUNS, anyString, isClientError, outcomeOfSync } from "./arbitraries.ts";

const createdAt = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
/** Batch ids as the contract describes them (newId issues "bat_" and lowercase base 36 and hex). */
const batchId = fc.stringMatching(/^bat_[0-9A-Za-z_-]{1,60}$/);

const toBase64Url = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

/** Text that decodes as base64url more often than chance: real cursors, cut, padded or reworded. */
const cursorLike = fc.oneof(
  fc.tuple(createdAt, batchId).map(([at, id]) => encodeCursor({ createdAt: at, id })),
  fc.string({ unit: fc.constantFrom(..."0123456789.-e+x ", "\u00e9", "\u00ff"), maxLength: 30 }).map(toBase64Url),
  fc
    .tuple(createdAt, batchId, fc.nat(), fc.constantFrom("", "=", "==", "!", " "))
    .map(([at, id, cut, tail]) => encodeCursor({ createdAt: at, id }).slice(0, cut) + tail),
  fc.base64String(),
);

describe("cursor codec", () => {
  it.prop([fc.oneof(anyString(80), cursorLike)], RUNS)(
    "decodes any text to a cursor with a safe-integer time and an id, or refuses it with a 400",
    (text) => {
      const outcome = outcomeOfSync(() => decodeCursor(text), isClientError);
      if (outcome.ok) {
        expect(Number.isSafeInteger(outcome.value.createdAt)).toBe(true);
        expect(outcome.value.id.length).toBeGreaterThan(0);
      } else {
        expect(outcome.error.code).toBe("INVALID_REQUEST");
      }
    },
  );

  it.prop([createdAt, batchId], RUNS)("decodes every cursor it encodes for a batch id", (at, id) => {
    expect(BatchId.safeParse(id).success).toBe(true);
    const text = encodeCursor({ createdAt: at, id });
    expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(decodeCursor(text)).toEqual({ createdAt: at, id });
  });

  it.prop([createdAt, fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 80 })], RUNS)(
    "decodes every cursor it encodes for any non-empty Latin-1 id, dots included",
    (at, id) => {
      expect(decodeCursor(encodeCursor({ createdAt: at, id }))).toEqual({ createdAt: at, id });
    },
  );

  // Found by the property above: btoa alone threw a DOMException for any character above U+00FF.
  it("encodes an id with a character beyond Latin-1 and decodes it back", () => {
    expect(decodeCursor(encodeCursor({ createdAt: 0, id: "\u0100" }))).toEqual({ createdAt: 0, id: "\u0100" });
  });
});
