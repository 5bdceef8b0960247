// Tenants and API keys in D1. Keys are "esk_<id>_<secret>"; only SHA-256(secret) is stored,
// and it is compared in constant time after the row is found by id. Webhook secrets must be
// readable (they sign), so they are stored encrypted (codecs/secret-box.ts) under the
// WEBHOOK_SECRETS_KEY Worker secret, with the tenant id as context. A legacy plaintext value
// is encrypted in place the first time it is read.
import { and, eq, isNull, type SQL } from "drizzle-orm";
import { apiKeys, tenants } from "../db/schema.ts";
import { ApiError } from "../contract/errors.ts";
import { constantTimeEqual, newId, randomToken, sha256Hex } from "../codecs/ids.ts";
import { decryptSecret, encryptSecret, importSecretsKey, isSealed } from "../codecs/secret-box.ts";
import { createWebhookSecret } from "../codecs/standard-webhooks.ts";
import type { Database } from "./database.ts";
import { KEY_PATTERN, SCOPES, type Scope } from "../contract/keys.ts";

/** How long the secret before a rotation is still accepted, so senders can switch over. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

export { SCOPES, type Scope } from "../contract/keys.ts";

export interface Principal {
  keyId: string;
  tenantId: string;
  tenantName: string;
  scopes: Scope[];
}

export interface Tenant {
  id: string;
  name: string;
  /** The current webhook secret (decrypted): it signs result callbacks and verifies webhooks. */
  webhookSecret: string;
  /** The secret before the last rotation while it is still accepted, else null. */
  previousWebhookSecret: string | null;
}

export interface KeySummary {
  id: string;
  tenantName: string;
  scopes: Scope[];
  label: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface KeyStore {
  verifyKey(key: string): Promise<Principal | null>;
  ensureTenant(name: string): Promise<Tenant>;
  findTenant(id: string): Promise<Tenant | null>;
  findTenantByName(name: string): Promise<Tenant | null>;
  /** A new current secret; the old one stays accepted for PREVIOUS_SECRET_GRACE_MS. Null for an unknown tenant. */
  rotateWebhookSecret(name: string): Promise<Tenant | null>;
  createKey(tenantName: string, scopes: Scope[], label?: string): Promise<{ key: string; id: string }>;
  listKeys(): Promise<KeySummary[]>;
  revokeKey(id: string): Promise<boolean>;
}

type TenantRow = typeof tenants.$inferSelect;

/** `secretsKey` is the base64 WEBHOOK_SECRETS_KEY; without a valid one, every webhook-secret operation fails with a 503. */
export function createKeyStore(db: Database, secretsKey: string | undefined): KeyStore {
  let key: Promise<CryptoKey> | undefined;
  const cipher = () =>
    (key ??= importSecretsKey(secretsKey).catch((error: Error) => {
      console.error(
        `WEBHOOK_SECRETS_KEY is missing or invalid (${error.message}): webhook secrets can be neither created nor read. ` +
          "Set it with `npx wrangler secret put WEBHOOK_SECRETS_KEY` (locally: .dev.vars, made by `npm start`).",
      );
      throw unavailable();
    }));

  async function open(row: TenantRow, sealed: string): Promise<string> {
    if (!isSealed(sealed)) return sealed;
    try {
      return await decryptSecret(await cipher(), sealed, row.id);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      console.error(`the webhook secret of tenant ${row.id} does not decrypt: ${(error as Error).message}`);
      throw unavailable();
    }
  }

  async function toTenant(row: TenantRow): Promise<Tenant> {
    const aes = await cipher();
    const webhookSecret = await open(row, row.webhookSecret);
    if (!isSealed(row.webhookSecret)) {
      // A legacy plaintext row: encrypt it now, unless a concurrent write got there first.
      await db
        .update(tenants)
        .set({ webhookSecret: await encryptSecret(aes, webhookSecret, row.id) })
        .where(and(eq(tenants.id, row.id), eq(tenants.webhookSecret, row.webhookSecret)));
    }
    const previous =
      row.webhookSecretPrevious !== null && (row.webhookSecretPreviousUntil ?? 0) > Date.now()
        ? row.webhookSecretPrevious
        : null;
    const previousWebhookSecret = previous === null ? null : await open(row, previous);
    return { id: row.id, name: row.name, webhookSecret, previousWebhookSecret };
  }

  async function selectTenant(where: SQL): Promise<TenantRow | null> {
    const rows = await db.select().from(tenants).where(where).limit(1);
    return rows[0] ?? null;
  }

  return {
    async verifyKey(key) {
      const match = KEY_PATTERN.exec(key);
      if (!match) return null;
      const [, id, secret] = match;
      const rows = await db
        .select({ key: apiKeys, tenantName: tenants.name })
        .from(apiKeys)
        .innerJoin(tenants, eq(apiKeys.tenantId, tenants.id))
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .limit(1);
      const row = rows[0];
      if (!row) return null;
      if (!constantTimeEqual(await sha256Hex(secret), row.key.secretHash)) return null;
      return { keyId: id, tenantId: row.key.tenantId, tenantName: row.tenantName, scopes: parseScopes(row.key.scopes) };
    },

    async ensureTenant(name) {
      const id = newId("ten");
      const webhookSecret = await encryptSecret(await cipher(), createWebhookSecret(), id);
      await db
        .insert(tenants)
        .values({ id, name, webhookSecret, createdAt: Date.now() })
        .onConflictDoNothing({ target: tenants.name });
      const row = await selectTenant(eq(tenants.name, name));
      if (!row) throw new Error(`tenant ${name} was neither inserted nor found`);
      return toTenant(row);
    },

    async findTenant(id) {
      await cipher();
      const row = await selectTenant(eq(tenants.id, id));
      return row ? toTenant(row) : null;
    },

    async findTenantByName(name) {
      // The key is checked before the lookup, so a missing key cannot tell known tenants from unknown ones.
      await cipher();
      const row = await selectTenant(eq(tenants.name, name));
      return row ? toTenant(row) : null;
    },

    async rotateWebhookSecret(name) {
      const aes = await cipher();
      // Compare-and-set on the stored value: of two concurrent rotations one retries on the other's result.
      for (let attempt = 0; attempt < 3; attempt++) {
        const row = await selectTenant(eq(tenants.name, name));
        if (!row) return null;
        const current = await open(row, row.webhookSecret);
        const fresh = createWebhookSecret();
        const updated = await db
          .update(tenants)
          .set({
            webhookSecret: await encryptSecret(aes, fresh, row.id),
            webhookSecretPrevious: await encryptSecret(aes, current, row.id),
            webhookSecretPreviousUntil: Date.now() + PREVIOUS_SECRET_GRACE_MS,
          })
          .where(and(eq(tenants.id, row.id), eq(tenants.webhookSecret, row.webhookSecret)))
          .returning({ id: tenants.id });
        if (updated.length > 0)
          return { id: row.id, name: row.name, webhookSecret: fresh, previousWebhookSecret: current };
      }
      throw new Error(`the webhook secret of tenant ${name} kept changing during rotation`);
    },

    async createKey(tenantName, scopes, label) {
      const tenant = await this.ensureTenant(tenantName);
      const minted = await mintKey();
      await db.insert(apiKeys).values({
        id: minted.id,
        tenantId: tenant.id,
        secretHash: minted.secretHash,
        scopes: scopes.join(","),
        label: label ?? null,
        createdAt: Date.now(),
      });
      return { id: minted.id, key: minted.key };
    },

    async listKeys() {
      const rows = await db
        .select({ key: apiKeys, tenantName: tenants.name })
        .from(apiKeys)
        .innerJoin(tenants, eq(apiKeys.tenantId, tenants.id))
        .orderBy(apiKeys.createdAt);
      return rows.map(({ key, tenantName }) => ({
        id: key.id,
        tenantName,
        scopes: parseScopes(key.scopes),
        label: key.label,
        createdAt: key.createdAt,
        revokedAt: key.revokedAt,
      }));
    },

    async revokeKey(id) {
      const result = await db
        .update(apiKeys)
        .set({ revokedAt: Date.now() })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .returning({ id: apiKeys.id });
      return result.length > 0;
    },
  };
}

/** A new key: the full key is shown once; only the hash of its secret is ever stored. */
export async function mintKey(): Promise<{ id: string; key: string; secretHash: string }> {
  const id = newId("key");
  const secret = randomToken(32);
  return { id, key: `esk_${id}_${secret}`, secretHash: await sha256Hex(secret) };
}

export function parseScopes(text: string): Scope[] {
  return text.split(",").filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
}

function unavailable(): ApiError {
  return new ApiError(
    "SECRETS_UNAVAILABLE",
    "Webhook secrets are unavailable: the service is misconfigured. Retry later.",
  );
}
