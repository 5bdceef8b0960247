import { describe, expect, it } from "vitest";
import { computeChecksum } from "../../model/index.ts";
import { canonicalizeJson, hashSha256 } from "../../model/canonical-json.ts";

describe("canonicalizeJson", () => {
  it("sorts keys at every depth, keeps array order and drops whitespace", () => {
    const value = { b: 1, a: { d: [3, { f: 2, e: "x" }], c: null } };
    expect(canonicalizeJson(value)).toBe('{"a":{"c":null,"d":[3,{"e":"x","f":2}]},"b":1}');
  });

  it("leaves out undefined members as JSON.stringify does", () => {
    expect(canonicalizeJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
  });
});

describe("hashSha256", () => {
  it('hashes the UTF-8 bytes (FIPS 180-4 test vector for "abc")', async () => {
    expect(await hashSha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("computeChecksum", () => {
  it("depends on values, not on key order, and ignores an existing checksum", async () => {
    const one = await computeChecksum({ x: 1, y: [1, 2], checksum: "sha256:old" });
    expect(await computeChecksum({ y: [1, 2], x: 1 })).toBe(one);
    expect(await computeChecksum({ y: [2, 1], x: 1 })).not.toBe(one);
  });
});
