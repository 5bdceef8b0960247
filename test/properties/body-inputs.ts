// Request bodies for the decoder's properties: packings (gzip, zlib, raw deflate, none), caps
// small enough to be hit, Content-Length claims that may lie, and byte-level damage.
import { fc } from "@fast-check/vitest";
import { deflateSync, gzipSync, zlibSync } from "fflate";
import type { BodyLimits } from "../../workers/codecs/decode-body.ts";
import { BODY_LIMITS } from "../../workers/contract/limits.ts";

type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
type Pack = (bytes: Uint8Array, level: number) => Uint8Array<ArrayBuffer>;

const copy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

/** How a body is compressed, the Content-Encoding that says so, and whether it carries a checksum. */
export const PACKINGS = {
  none: { encoding: undefined, pack: copy, checksummed: true },
  identity: { encoding: "identity", pack: copy, checksummed: true },
  gzip: { encoding: "gzip", pack: (b, level) => copy(gzipSync(b, { level: level as Level })), checksummed: true },
  "x-gzip": { encoding: "x-gzip", pack: (b, level) => copy(gzipSync(b, { level: level as Level })), checksummed: true },
  zlib: { encoding: "deflate", pack: (b, level) => copy(zlibSync(b, { level: level as Level })), checksummed: true },
  "raw deflate": {
    encoding: "deflate",
    pack: (b, level) => copy(deflateSync(b, { level: level as Level })),
    checksummed: false,
  },
} satisfies Record<string, { encoding: string | undefined; pack: Pack; checksummed: boolean }>;
export type Packing = keyof typeof PACKINGS;

// Names of Object.prototype's own keys, which a plain `in` check once took for encodings.
export const PROTOTYPE_ENCODINGS = ["constructor", "__proto__"];

/** The API's own caps, or tiny ones that a small generated body can break. */
export const bodyLimits: fc.Arbitrary<BodyLimits> = fc.oneof(
  fc.constantFrom<BodyLimits>(...Object.values(BODY_LIMITS)),
  fc.record({
    maxEncodedBytes: fc.integer({ min: 1, max: 400 }),
    maxDecodedBytes: fc.integer({ min: 1, max: 400 }),
    ratioCheckAfterBytes: fc.integer({ min: 0, max: 200 }),
    maxRatio: fc.integer({ min: 1, max: 8 }),
    maxContainers: fc.integer({ min: 0, max: 12 }),
    maxValues: fc.integer({ min: 1, max: 40 }),
  }),
);

/** A Content-Length header: none, the truth, off by some bytes either way, or any text. */
export type LengthClaim = { absent: true } | { off: number } | { text: string };

export const lengthClaims: fc.Arbitrary<LengthClaim> = fc.oneof(
  fc.constant({ absent: true as const }),
  fc.constant({ off: 0 }),
  fc.record({ off: fc.integer({ min: -1000, max: 1000 }) }),
  fc.record({ text: fc.oneof(fc.constantFrom("0", "-1", "1e9", "0x10", "NaN", "Infinity", "4194305"), fc.string()) }),
);

export function claimedLength(claim: LengthClaim, actual: number): string | undefined {
  if ("absent" in claim) return undefined;
  if ("off" in claim) return String(actual + claim.off);
  return claim.text;
}

export type Damage = { flip: number; mask: number } | { keep: number } | { append: Uint8Array };

export const damages: fc.Arbitrary<Damage[]> = fc.array(
  fc.oneof(
    fc.record({ flip: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ keep: fc.nat() }),
    fc.record({ append: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  ),
  { minLength: 1, maxLength: 3 },
);

/** Flips bits of a byte, cuts the tail off, or appends junk. */
export function damage(bytes: Uint8Array<ArrayBuffer>, list: readonly Damage[]): Uint8Array<ArrayBuffer> {
  let out = copy(bytes);
  for (const step of list) {
    if (out.byteLength === 0) break;
    if ("flip" in step) out[step.flip % out.byteLength] ^= step.mask;
    else if ("keep" in step) out = out.slice(0, step.keep % out.byteLength);
    else out = copy(new Uint8Array([...out, ...step.append]));
  }
  return out;
}

/** A POST carrying `body` with the given headers (undefined ones left out). */
export function postBody(body: Uint8Array<ArrayBuffer>, headers: Record<string, string | undefined>): Request {
  const set = new Headers();
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) set.set(name, value);
  return new Request("http://edge-svm.test/v1/anything", { method: "POST", headers: set, body });
}
