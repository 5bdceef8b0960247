// The key-store contract: keys verify as their tenant and scopes until revoked, a tenant's
// webhook secret reads back the same until rotated (the previous one for 24 h), and without a
// valid WEBHOOK_SECRETS_KEY every secret operation fails with the same 503.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../../workers/contract/errors.ts";
import { createKeyStore, PREVIOUS_SECRET_GRACE_MS, type KeyStore } from "../../../workers/adapters/key-store.ts";
import { createMemoryKeyStore } from "../../../workers/adapters/memory/key-store.ts";
import { describeContract, freshId, testDatabase } from "./contract.ts";

/** A key store under the test WEBHOOK_SECRETS_KEY, and a way to make one under another key. */
interface Fixture {
  keys: KeyStore;
  withKey(secretsKey: string | undefined): KeyStore;
}

const KEY_FORMAT = /^esk_key_[a-z0-9]+_[A-Za-z0-9_-]{32,}$/;
const T = Date.UTC(2026, 0, 1);

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function at(time: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(time);
}

describeContract<Fixture>(
  "KeyStore",
  "d1",
  () => ({
    keys: createKeyStore(testDatabase(), env.WEBHOOK_SECRETS_KEY),
    withKey: (secretsKey) => createKeyStore(testDatabase(), secretsKey),
  }),
  () => ({
    keys: createMemoryKeyStore(env.WEBHOOK_SECRETS_KEY),
    withKey: (secretsKey) => createMemoryKeyStore(secretsKey),
  }),
  (make) => {
    it("creates a key that verifies as its tenant, with its scopes in the order given", async () => {
      const { keys } = await make();
      const name = freshId("acme");
      const { key, id } = await keys.createKey(name, ["read", "feedback"], "ci");
      expect(key).toMatch(KEY_FORMAT);
      const tenant = await keys.findTenantByName(name);
      expect(await keys.verifyKey(key)).toEqual({
        keyId: id,
        tenantId: tenant?.id,
        tenantName: name,
        scopes: ["read", "feedback"],
      });
    });

    it("keeps a key without scopes scopeless, and a tenant's keys on one tenant", async () => {
      const { keys } = await make();
      const name = freshId("acme");
      const first = await keys.verifyKey((await keys.createKey(name, [])).key);
      const second = await keys.verifyKey((await keys.createKey(name, ["admin"])).key);
      expect(first?.scopes).toEqual([]);
      expect(second?.tenantId).toBe(first?.tenantId);
    });

    it("refuses a key with a wrong secret, an unknown id, or no key shape", async () => {
      const { keys } = await make();
      const { key } = await keys.createKey(freshId("acme"), ["read"]);
      const last = key.at(-1) === "A" ? "B" : "A";
      expect(await keys.verifyKey(key.slice(0, -1) + last)).toBeNull();
      expect(await keys.verifyKey(`esk_key_zz0000000000_${"A".repeat(43)}`)).toBeNull();
      for (const malformed of ["", "esk_", key.slice(4), `${key} `, `Bearer ${key}`])
        expect(await keys.verifyKey(malformed)).toBeNull();
    });

    it("revokes a key once: it stops verifying, the tenant's other keys do not", async () => {
      const { keys } = await make();
      const name = freshId("acme");
      const revoked = await keys.createKey(name, ["read"]);
      const kept = await keys.createKey(name, ["read"]);
      expect(await keys.revokeKey(revoked.id)).toBe(true);
      expect(await keys.verifyKey(revoked.key)).toBeNull();
      expect(await keys.verifyKey(kept.key)).not.toBeNull();
      expect(await keys.revokeKey(revoked.id)).toBe(false);
      expect(await keys.revokeKey("key_unknown")).toBe(false);
    });

    it("lists keys oldest first with their tenant, scopes, label and revocation time, never the key", async () => {
      const { keys } = await make();
      const name = freshId("acme");
      at(T);
      const a = await keys.createKey(name, ["ingest", "read"], "laptop");
      at(T + 1000);
      const b = await keys.createKey(name, ["admin"]);
      at(T + 2000);
      await keys.revokeKey(a.id);
      const listed = (await keys.listKeys()).filter((k) => k.tenantName === name);
      expect(listed).toEqual([
        { id: a.id, tenantName: name, scopes: ["ingest", "read"], label: "laptop", createdAt: T, revokedAt: T + 2000 },
        { id: b.id, tenantName: name, scopes: ["admin"], label: null, createdAt: T + 1000, revokedAt: null },
      ]);
    });

    it("makes a tenant once by name, with a webhook secret that reads back the same", async () => {
      const { keys } = await make();
      const name = freshId("acme");
      const made = await keys.ensureTenant(name);
      expect(made).toMatchObject({ name, previousWebhookSecret: null });
      expect(made.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(await keys.ensureTenant(name)).toEqual(made);
      expect(await keys.findTenant(made.id)).toEqual(made);
      expect(await keys.findTenantByName(name)).toEqual(made);
      const other = await keys.ensureTenant(freshId("acme"));
      expect(other.id).not.toBe(made.id);
      expect(other.webhookSecret).not.toBe(made.webhookSecret);
    });

    it("answers null for a tenant it does not know", async () => {
      const { keys } = await make();
      expect(await keys.findTenant("ten_unknown")).toBeNull();
      expect(await keys.findTenantByName(freshId("nobody"))).toBeNull();
      expect(await keys.rotateWebhookSecret(freshId("nobody"))).toBeNull();
    });

    it("rotates a secret, accepting the previous one for 24 hours only", async () => {
      const { keys } = await make();
      const name = freshId("acme");
      at(T);
      const before = await keys.ensureTenant(name);
      const rotated = await keys.rotateWebhookSecret(name);
      expect(rotated).toMatchObject({ id: before.id, name, previousWebhookSecret: before.webhookSecret });
      expect(rotated?.webhookSecret).not.toBe(before.webhookSecret);
      expect(await keys.findTenantByName(name)).toEqual(rotated);
      at(T + PREVIOUS_SECRET_GRACE_MS - 1);
      expect((await keys.findTenant(before.id))?.previousWebhookSecret).toBe(before.webhookSecret);
      at(T + PREVIOUS_SECRET_GRACE_MS);
      expect(await keys.findTenant(before.id)).toEqual({ ...rotated, previousWebhookSecret: null });
    });

    it("keeps only the secret before the last rotation", async () => {
      const { keys } = await make();
      const name = freshId("acme");
      await keys.ensureTenant(name);
      const first = await keys.rotateWebhookSecret(name);
      const second = await keys.rotateWebhookSecret(name);
      expect(second?.previousWebhookSecret).toBe(first?.webhookSecret);
      expect(await keys.findTenantByName(name)).toEqual(second);
    });

    describe.each([
      ["missing", undefined],
      ["not base64", "not a key!"],
      ["16 bytes, not 32", btoa("sixteen bytes!!!")],
    ])("with a WEBHOOK_SECRETS_KEY that is %s", (_, secretsKey) => {
      const keyless = async () => (await make()).withKey(secretsKey);

      it("fails every secret operation with a logged 503, before any lookup", async () => {
        const logged = vi.spyOn(console, "error").mockImplementation(() => {});
        const keys = await keyless();
        const refusals = [
          keys.ensureTenant(freshId("acme")),
          keys.createKey(freshId("acme"), ["read"]),
          keys.findTenant("ten_unknown"),
          keys.findTenantByName(freshId("nobody")),
          keys.rotateWebhookSecret(freshId("nobody")),
        ];
        for (const refusal of refusals) {
          const error = await refusal.catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ApiError);
          expect(error).toMatchObject({ code: "SECRETS_UNAVAILABLE", status: 503 });
        }
        expect(logged).toHaveBeenCalled();
      });

      it("still refuses and revokes keys, which need no secret", async () => {
        const keys = await keyless();
        expect(await keys.verifyKey(`esk_key_zz0000000000_${"A".repeat(43)}`)).toBeNull();
        expect(await keys.revokeKey("key_unknown")).toBe(false);
        expect(Array.isArray(await keys.listKeys())).toBe(true);
      });
    });
  },
);
