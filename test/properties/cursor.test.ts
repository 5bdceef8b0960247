// Pagination cursors: whatever a client sends back is a Cursor or a 400, and every cursor the
// API issues (for the ids it issues, and the filters of its listing) decodes to what was encoded.
import { fc, it } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { decodeCursor, encodeCursor } from "../../workers/codecs/cursor.ts";
import { BatchId, type BatchFilter } from "../../workers/contract/api.ts";
import { RUNS, anyString, isClientError, outcomeOfSync } from "./arbitraries.ts";

const createdAt = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
/** Batch ids as the contract describes them (newId issues "bat_" and lowercase base 36 and hex). */
const batchId = fc.stringMatching(/^bat_[0-9A-Za-z_-]{1,60}$/);

/** A listing's filters, made the way the list service makes them (each possible subset), times in epoch ms. */
const filter: fc.Arbitrary<BatchFilter> = fc.record(
  {
    status: fc.constantFrom("pending" as const, "complete" as const, "failed" as const),
    // Any code points, control characters (escaped in JSON) among them, within the 40 UTF-16 units the query allows.
    source: fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).filter((text) => text.length <= 40),
    from: createdAt,
    to: createdAt,
    modelVersion: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
  },
  { requiredKeys: [] },
);

const toBase64Url = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

/** Text that decodes as base64url more often than chance: real cursors, cut, padded or reworded. */
const cursorLike = fc.oneof(
  fc.tuple(createdAt, batchId).map(([at, id]) => encodeCursor({ createdAt: at, id })),
  fc.string({ unit: fc.constantFrom(..."0123456789.-e+x ", "\u00e9", "\u00ff"), maxLength: 30 }).map(toBase64Url),
  fc
    .tuple(createdAt, batchId, fc.nat(), fc.constantFrom("", "=", "==", "!", " "))
    .map(([at, id, cut, tail]) => encodeCursor({ createdAt: at, id }).slice(0, cut) + tail),
  fc.base64String(),
  fc
    .tuple(createdAt, batchId, filter, fc.nat())
    .map(([at, id, f, cut]) => encodeCursor({ createdAt: at, id, filter: f }).slice(0, cut)),
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

  it.prop([createdAt, batchId, filter], RUNS)(
    "decodes every cursor it encodes with its listing's filters, within the query's length cap",
    (at, id, f) => {
      const text = encodeCursor({ createdAt: at, id, filter: f });
      expect(text).toMatch(/^[A-Za-z0-9_.-]*$/);
      expect(text.length).toBeLessThanOrEqual(1000);
      const empty = Object.keys(f).length === 0;
      expect(decodeCursor(text)).toEqual(empty ? { createdAt: at, id } : { createdAt: at, id, filter: f });
    },
  );

  it("refuses a cursor whose filters were altered into something the list never issues", () => {
    const position = encodeCursor({ createdAt: 1, id: "bat_x" });
    for (const json of ['{"status":"done"}', '{"from":"yesterday"}', '{"admin":true}', "[1]", "{"]) {
      const forged = `${position}.${toBase64Url(json)}`;
      expect(outcomeOfSync(() => decodeCursor(forged), isClientError)).toMatchObject({
        ok: false,
        error: { code: "INVALID_REQUEST" },
      });
    }
  });

  // Found by the property above: btoa alone threw a DOMException for any character above U+00FF.
  it("encodes an id with a character beyond Latin-1 and decodes it back", () => {
    expect(decodeCursor(encodeCursor({ createdAt: 0, id: "\u0100" }))).toEqual({ createdAt: 0, id: "\u0100" });
  });
});
