// The `keys` commands against the deployed D1 (--remote), as SQL through wrangler. The CLI cannot
// read the deployed WEBHOOK_SECRETS_KEY, so commands that touch webhook secrets are handed the
// same value and check that it opens the secrets already stored before writing anything.
import { z } from "zod";
import {
  mintKey,
  parseScopes,
  PREVIOUS_SECRET_GRACE_MS,
  type KeySummary,
  type Scope,
} from "../workers/adapters/key-store.ts";
import { newId } from "../workers/codecs/ids.ts";
import { decryptSecret, encryptSecret, isSealed } from "../workers/codecs/secret-box.ts";
import { createWebhookSecret } from "../workers/codecs/standard-webhooks.ts";
import { executeRemote, sqlValue as q } from "./remote-d1.ts";

const KeyRow = z.object({
  id: z.string(),
  tenant_name: z.string(),
  scopes: z.string(),
  label: z.string().nullable(),
  created_at: z.number(),
  revoked_at: z.number().nullable(),
});

const TenantRow = z.object({
  id: z.string(),
  webhook_secret: z.string(),
  webhook_secret_previous: z.string().nullable(),
  webhook_secret_previous_until: z.number().nullable(),
});

export async function createRemoteKey(secretsKey: CryptoKey, tenant: string, scopes: Scope[], label: string | null) {
  await checkSecretsKey(secretsKey);
  const minted = await mintKey();
  const now = Date.now();
  const tenantId = newId("ten");
  const webhookSecret = await encryptSecret(secretsKey, createWebhookSecret(), tenantId);
  executeRemote(
    `INSERT INTO tenants (id, name, webhook_secret, created_at) VALUES (${q(tenantId)}, ${q(tenant)}, ${q(webhookSecret)}, ${now}) ON CONFLICT (name) DO NOTHING; ` +
      `INSERT INTO api_keys (id, tenant_id, secret_hash, scopes, label, created_at) SELECT ${q(minted.id)}, id, ${q(minted.secretHash)}, ${q(scopes.join(","))}, ${q(label)}, ${now} FROM tenants WHERE name = ${q(tenant)};`,
  );
  return minted;
}

export function listRemoteKeys(): KeySummary[] {
  const [rows] = executeRemote(
    "SELECT k.id, t.name AS tenant_name, k.scopes, k.label, k.created_at, k.revoked_at FROM api_keys k JOIN tenants t ON t.id = k.tenant_id ORDER BY k.created_at;",
  );
  return rows.map((row) => {
    const k = KeyRow.parse(row);
    const scopes = parseScopes(k.scopes);
    return {
      id: k.id,
      tenantName: k.tenant_name,
      scopes,
      label: k.label,
      createdAt: k.created_at,
      revokedAt: k.revoked_at,
    };
  });
}

export function revokeRemoteKey(id: string): boolean {
  const [rows] = executeRemote(
    `UPDATE api_keys SET revoked_at = ${Date.now()} WHERE id = ${q(id)} AND revoked_at IS NULL RETURNING id;`,
  );
  return rows.length > 0;
}

/** The tenant's current webhook secret, or a new one when `rotate`; null for an unknown tenant. */
export async function remoteWebhookSecret(
  secretsKey: CryptoKey,
  tenant: string,
  rotate: boolean,
): Promise<{ webhookSecret: string; previousAccepted: boolean } | null> {
  const [rows] = executeRemote(
    `SELECT id, webhook_secret, webhook_secret_previous, webhook_secret_previous_until FROM tenants WHERE name = ${q(tenant)};`,
  );
  if (rows.length === 0) return null;
  const row = TenantRow.parse(rows[0]);
  // A legacy plaintext value is used as it is (the Worker encrypts it when it first reads it).
  const current = await openWith(secretsKey, row.webhook_secret, row.id);
  if (!rotate) {
    const previousAccepted =
      row.webhook_secret_previous !== null && (row.webhook_secret_previous_until ?? 0) > Date.now();
    return { webhookSecret: current, previousAccepted };
  }
  const fresh = createWebhookSecret();
  const [updated] = executeRemote(
    `UPDATE tenants SET webhook_secret = ${q(await encryptSecret(secretsKey, fresh, row.id))}, ` +
      `webhook_secret_previous = ${q(await encryptSecret(secretsKey, current, row.id))}, ` +
      `webhook_secret_previous_until = ${Date.now() + PREVIOUS_SECRET_GRACE_MS} ` +
      `WHERE id = ${q(row.id)} AND webhook_secret = ${q(row.webhook_secret)} RETURNING id;`,
  );
  if (updated.length === 0)
    throw new Error(`the webhook secret of ${tenant} changed meanwhile; run the rotation again`);
  return { webhookSecret: fresh, previousAccepted: true };
}

/** Refuses a key that does not open the secrets already stored: writing with it would lock tenants out. */
async function checkSecretsKey(secretsKey: CryptoKey): Promise<void> {
  const [rows] = executeRemote("SELECT id, webhook_secret FROM tenants WHERE webhook_secret LIKE 'enc1:%' LIMIT 1;");
  if (rows.length > 0) {
    const row = TenantRow.pick({ id: true, webhook_secret: true }).parse(rows[0]);
    await openWith(secretsKey, row.webhook_secret, row.id);
  }
}

async function openWith(secretsKey: CryptoKey, stored: string, tenantId: string): Promise<string> {
  if (!isSealed(stored)) return stored;
  try {
    return await decryptSecret(secretsKey, stored, tenantId);
  } catch {
    throw new Error(
      "the secrets key does not open the webhook secrets stored remotely: give the deployed WEBHOOK_SECRETS_KEY",
    );
  }
}
