// The secret box (pure WebCrypto): round trips, and refuses every alteration, key or context.
import { describe, expect, it } from "vitest";
import {
  createSecretsKey,
  decryptSecret,
  encryptSecret,
  importSecretsKey,
  isSealed,
  SecretBoxError,
} from "../../workers/codecs/secret-box.ts";

const key = await importSecretsKey(createSecretsKey());
const otherKey = await importSecretsKey(createSecretsKey());
const sealed = await encryptSecret(key, "whsec_abc", "ten_1");

describe("secret box", () => {
  it("round-trips a secret through enc1:<iv>:<ciphertext>, with a fresh iv each time", async () => {
    const first = await encryptSecret(key, "whsec_abc", "ten_1");
    const second = await encryptSecret(key, "whsec_abc", "ten_1");
    expect(first).toMatch(/^enc1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]+=*$/);
    expect(first).not.toBe(second);
    expect(isSealed(first)).toBe(true);
    expect(isSealed("whsec_abc")).toBe(false);
    expect(await decryptSecret(key, first, "ten_1")).toBe("whsec_abc");
  });

  it("makes keys of 32 random bytes and refuses any other key", async () => {
    expect(atob(createSecretsKey())).toHaveLength(32);
    for (const bad of [undefined, "", "c2hvcnQ=", "not base64 at all!", btoa("x".repeat(33))])
      await expect(importSecretsKey(bad)).rejects.toBeInstanceOf(SecretBoxError);
  });

  const [, iv, data] = sealed.split(":");
  const flip = (text: string) => `${text[0] === "A" ? "B" : "A"}${text.slice(1)}`;
  describe.each([
    ["an altered ciphertext", `enc1:${iv}:${flip(data)}`, "ten_1", key],
    ["an altered iv", `enc1:${flip(iv)}:${data}`, "ten_1", key],
    ["a truncated value", `enc1:${iv}:${data.slice(0, 8)}`, "ten_1", key],
    ["an extra part", `${sealed}:AAAA`, "ten_1", key],
    ["an unknown version", sealed.replace("enc1:", "enc2:"), "ten_1", key],
    ["another context", sealed, "ten_2", key],
    ["another key", sealed, "ten_1", otherKey],
  ])("refuses %s", (_name, value, context, withKey) => {
    it("throws a SecretBoxError", async () => {
      await expect(decryptSecret(withKey, value, context)).rejects.toBeInstanceOf(SecretBoxError);
    });
  });
});
