// The in-memory twin of key-store.ts. Keys are minted by the same code (so they look alike and
// only a hash is kept), and webhook secrets are sealed under the same WEBHOOK_SECRETS_KEY with
// the tenant id as context: without a valid key every secret operation fails with the same
// logged 503, before any lookup, exactly where the real store fails.
import { ApiError } from "../../contract/errors.ts";
import { newId, sha256Hex } from "../../codecs/ids.ts";
import { decryptSecret, encryptSecret, importSecretsKey } from "../../codecs/secret-box.ts";
import { createWebhookSecret } from "../../codecs/standard-webhooks.ts";
import {
  mintKey,
  parseScopes,
  PREVIOUS_SECRET_GRACE_MS,
  type KeyStore,
  type KeySummary,
  type Tenant,
} from "../key-store.ts";

export interface MemoryKeyStore extends KeyStore {
  /** Whether a tenant row exists (no secret is opened): for twins whose real store joins on tenants. */
  hasTenant(id: string): boolean;
}

interface TenantRow {
  id: string;
  name: string;
  sealed: string;
  previous: { sealed: string; until: number } | null;
}

/** `secretsKey` is the base64 WEBHOOK_SECRETS_KEY, as for the real store. */
export function createMemoryKeyStore(secretsKey: string | undefined): MemoryKeyStore {
  const tenants = new Map<string, TenantRow>();
  // Keys by SHA-256 of the whole key: a malformed or altered key simply finds nothing.
  // Scopes are kept as the real row keeps them (joined text), so they read back the same way.
  const keys = new Map<string, Omit<KeySummary, "scopes"> & { tenantId: string; scopes: string }>();
  const keyIdsByHash = new Map<string, string>();

  let key: Promise<CryptoKey> | undefined;
  const cipher = () =>
    (key ??= importSecretsKey(secretsKey).catch((error: Error) => {
      console.error(`WEBHOOK_SECRETS_KEY is missing or invalid (${error.message}): webhook secrets are unavailable.`);
      throw unavailable();
    }));

  async function toTenant(row: TenantRow): Promise<Tenant> {
    const aes = await cipher();
    const previous = row.previous && row.previous.until > Date.now() ? row.previous.sealed : null;
    return {
      id: row.id,
      name: row.name,
      webhookSecret: await decryptSecret(aes, row.sealed, row.id),
      previousWebhookSecret: previous === null ? null : await decryptSecret(aes, previous, row.id),
    };
  }

  const byName = (name: string) => [...tenants.values()].find((t) => t.name === name) ?? null;

  async function ensureTenant(name: string): Promise<Tenant> {
    const aes = await cipher();
    const existing = byName(name);
    if (existing) return toTenant(existing);
    const id = newId("ten");
    const row = { id, name, sealed: await encryptSecret(aes, createWebhookSecret(), id), previous: null };
    // Another call may have made the tenant while this one was encrypting: the name is unique.
    if (!byName(name)) tenants.set(id, row);
    return toTenant(byName(name) ?? row);
  }

  return {
    hasTenant: (id) => tenants.has(id),

    async verifyKey(presented) {
      const id = keyIdsByHash.get(await sha256Hex(presented));
      const found = id === undefined ? undefined : keys.get(id);
      if (!found || found.revokedAt !== null) return null;
      return {
        keyId: found.id,
        tenantId: found.tenantId,
        tenantName: found.tenantName,
        scopes: parseScopes(found.scopes),
      };
    },

    ensureTenant,

    async findTenant(id) {
      await cipher();
      const row = tenants.get(id);
      return row ? toTenant(row) : null;
    },

    async findTenantByName(name) {
      await cipher();
      const row = byName(name);
      return row ? toTenant(row) : null;
    },

    async rotateWebhookSecret(name) {
      const aes = await cipher();
      const row = byName(name);
      if (!row) return null;
      const current = await decryptSecret(aes, row.sealed, row.id);
      const fresh = createWebhookSecret();
      row.previous = { sealed: row.sealed, until: Date.now() + PREVIOUS_SECRET_GRACE_MS };
      row.sealed = await encryptSecret(aes, fresh, row.id);
      return { id: row.id, name: row.name, webhookSecret: fresh, previousWebhookSecret: current };
    },

    async createKey(tenantName, scopes, label) {
      const tenant = await ensureTenant(tenantName);
      const minted = await mintKey();
      keys.set(minted.id, {
        id: minted.id,
        tenantId: tenant.id,
        tenantName: tenant.name,
        scopes: scopes.join(","),
        label: label ?? null,
        createdAt: Date.now(),
        revokedAt: null,
      });
      keyIdsByHash.set(await sha256Hex(minted.key), minted.id);
      return { id: minted.id, key: minted.key };
    },

    async listKeys() {
      // Oldest first, as the real ORDER BY created_at; the sort is stable, so ties keep creation order.
      return [...keys.values()]
        .sort((a, b) => a.createdAt - b.createdAt)
        .map(({ tenantId: _, ...summary }) => ({ ...summary, scopes: parseScopes(summary.scopes) }));
    },

    async revokeKey(id) {
      const found = keys.get(id);
      if (!found || found.revokedAt !== null) return false;
      found.revokedAt = Date.now();
      return true;
    },
  };
}

function unavailable(): ApiError {
  return new ApiError(
    "SECRETS_UNAVAILABLE",
    "Webhook secrets are unavailable: the service is misconfigured. Retry later.",
  );
}
