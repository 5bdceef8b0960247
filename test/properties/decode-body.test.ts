// The body decoder, whatever the bytes and headers: it resolves with exactly the JSON the
// client sent or refuses with a 4xx ApiError, and every cap holds whatever Content-Length says.
import { fc, it } from "@fast-check/vitest";
import { deflateSync, gzipSync } from "fflate";
import { describe, expect } from "vitest";
import { decodeJsonBody, type BodyLimits, type DecodeOptions } from "../../workers/codecs/decode-body.ts";
import { checkJsonShape } from "../../workers/codecs/json-shape.ts";
import { BODY_LIMITS } from "../../workers/contract/limits.ts";
import { RUNS, anyString, isClientError, jsonValue, outcomeOf, utf8 } from "./arbitraries.ts";
import {
  PROTOTYPE_ENCODINGS,
  PACKINGS,
  bodyLimits,
  claimedLength,
  damage,
  damages,
  lengthClaims,
  postBody,
  type Packing,
} from "./body-inputs.ts";

const GOOD_TYPES = ["application/json", "Application/JSON", "application/json; charset=utf-8", "application/json;x=1"];
const BAD_TYPES = ["text/plain", "application/jsonp", "application/x-www-form-urlencoded", "json", "", "*/*"];
const SUPPORTED = ["identity", "gzip", "x-gzip", "deflate"];
// Unsupported, odd-cased or padded codings, and names an object lookup might find on its prototype.
const OTHER_ENCODINGS = ["br", "zstd", "GZIP", " deflate ", "gzip, deflate", "", "toString", "hasOwnProperty"];
const HOSTILE_ENCODINGS = [...PROTOTYPE_ENCODINGS, "Constructor", "__PROTO__"];

const decode = (request: Request, limits: BodyLimits, options?: DecodeOptions) =>
  outcomeOf(() => decodeJsonBody(request, limits, options), isClientError);

/** The JSON text of a value, as a client may send it: indented or not, with a byte-order mark or not. */
const jsonText = fc
  .tuple(jsonValue(), fc.constantFrom(undefined, 2, "\t"), fc.boolean())
  .map(([value, space, bom]) => (bom ? "\uFEFF" : "") + JSON.stringify(value, null, space));

describe("decodeJsonBody on well-formed JSON", () => {
  it.prop(
    {
      text: jsonText,
      packing: fc.constantFrom(...(Object.keys(PACKINGS) as Packing[])),
      level: fc.integer({ min: 0, max: 9 }),
      upperCase: fc.boolean(),
      type: fc.oneof(fc.constantFrom(...GOOD_TYPES), fc.constantFrom(...BAD_TYPES), fc.constant(undefined)),
      length: lengthClaims,
      limits: bodyLimits,
      compressed: fc.constantFrom(undefined, true, false),
    },
    RUNS,
  )(
    "resolves with the sent value unless a cap, the media type or the encoding rule refuses it",
    async ({ text, packing, level, upperCase, type, length, limits, compressed }) => {
      const decoded = utf8(text);
      const { encoding, pack } = PACKINGS[packing];
      const encoded = pack(decoded, level);
      const request = postBody(encoded, {
        "content-type": type,
        "content-encoding": encoding && (upperCase ? encoding.toUpperCase() : encoding),
        "content-length": claimedLength(length, encoded.byteLength),
      });
      const outcome = await decode(request, limits, { compressed });
      const squeezed = encoding !== undefined && encoding !== "identity";
      const readCapBroken =
        Number(request.headers.get("content-length")) > limits.maxEncodedBytes ||
        encoded.byteLength > limits.maxEncodedBytes;
      const decodedCapBroken =
        decoded.byteLength > limits.maxDecodedBytes ||
        (squeezed &&
          decoded.byteLength > limits.ratioCheckAfterBytes &&
          decoded.byteLength > encoded.byteLength * limits.maxRatio) ||
        !checkJsonShape(decoded, limits).ok;

      if (squeezed && compressed === false) expect(outcome).toMatchObject({ error: { code: "UNSUPPORTED_ENCODING" } });
      else if (readCapBroken) expect(outcome).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
      else if (!GOOD_TYPES.includes(type ?? "")) {
        expect(outcome).toMatchObject({ error: { code: "UNSUPPORTED_MEDIA_TYPE" } });
      } else if (decodedCapBroken) expect(outcome).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
      else
        expect(outcome).toEqual({
          ok: true,
          value: expect.objectContaining({ value: JSON.parse(text.replace(/^\uFEFF/, "")) }),
        });
    },
  );
});

describe("decodeJsonBody on corrupt input", () => {
  it.prop(
    {
      value: jsonValue(),
      packing: fc.constantFrom<Packing>("gzip", "x-gzip", "zlib", "raw deflate"),
      level: fc.integer({ min: 0, max: 9 }),
      harm: damages,
    },
    RUNS,
  )(
    "refuses truncated or corrupted gzip and deflate with a 4xx, or reads back the original value",
    async ({ value, packing, level, harm }) => {
      const { encoding, pack, checksummed } = PACKINGS[packing];
      const text = JSON.stringify(value);
      const encoded = damage(pack(utf8(text), level), harm);
      const request = postBody(encoded, { "content-type": "application/json", "content-encoding": encoding });
      const outcome = await decode(request, BODY_LIMITS.batch);
      // Raw deflate carries no checksum: a flipped bit may decode to other, valid, JSON.
      if (outcome.ok && checksummed) expect(outcome.value.value).toEqual(JSON.parse(text));
    },
  );
});

describe("decodeJsonBody on any input", () => {
  it.prop(
    {
      bytes: fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        anyString(200).map(utf8),
        jsonValue().map((value) => utf8(JSON.stringify(value))),
        fc.uint8Array({ maxLength: 100 }).map((bytes) => gzipSync(bytes)),
      ),
      type: fc.option(fc.oneof(fc.constantFrom(...GOOD_TYPES, ...BAD_TYPES), fc.string({ maxLength: 24 })), {
        nil: undefined,
      }),
      encoding: fc.option(
        fc.oneof(fc.constantFrom(...SUPPORTED, ...OTHER_ENCODINGS, ...HOSTILE_ENCODINGS), fc.string()),
        {
          nil: undefined,
        },
      ),
      length: lengthClaims,
      limits: bodyLimits,
      compressed: fc.option(fc.boolean(), { nil: undefined }),
      emptyValue: fc.option(jsonValue(2), { nil: undefined }),
    },
    RUNS,
  )(
    "answers any bytes under any headers with a value or a 4xx ApiError, and refuses unsupported encodings",
    async ({ bytes, type, encoding, length, limits, compressed, emptyValue }) => {
      const request = postBody(bytes, {
        "content-type": type,
        "content-encoding": encoding,
        "content-length": claimedLength(length, bytes.byteLength),
      });
      const outcome = await decode(request, limits, { compressed, emptyValue });
      const named = (request.headers.get("content-encoding") ?? "identity").toLowerCase();
      const supported = named === "identity" || (compressed !== false && SUPPORTED.includes(named));
      if (!supported) expect(outcome).toMatchObject({ error: { code: "UNSUPPORTED_ENCODING" } });
      if (!outcome.ok || named !== "identity") return;
      const expected = bytes.byteLength === 0 ? emptyValue : JSON.parse(new TextDecoder().decode(bytes));
      expect(outcome.value.value).toEqual(expected);
    },
  );
});

describe("decodeJsonBody regressions", () => {
  // Found by the property above: `encoding in ENCODINGS` also saw Object.prototype's keys, so
  // "constructor" and "__proto__" passed the encoding check and the body was inflated as deflate.
  it.each(PROTOTYPE_ENCODINGS)('refuses Content-Encoding "%s" as unsupported', async (encoding) => {
    const request = postBody(deflateSync(utf8("{}")), {
      "content-type": "application/json",
      "content-encoding": encoding,
    });
    await expect(decodeJsonBody(request, BODY_LIMITS.batch)).rejects.toMatchObject({
      code: "UNSUPPORTED_ENCODING",
    });
  });
});
