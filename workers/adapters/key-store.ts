// Tenants and API keys in D1. Keys are "esk_<id>_<secret>"; only SHA-256(secret) is stored,
// and it is compared in constant time after the row is found by id.
import { and, eq, isNull } from "drizzle-orm";
import { apiKeys, tenants } from "../db/schema.ts";
import { constantTimeEqual, newId, randomToken, sha256Hex } from "../codecs/ids.ts";
import { createWebhookSecret } from "../codecs/standard-webhooks.ts";
import type { Database } from "./database.ts";

export const SCOPES = ["ingest", "read", "feedback", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  keyId: string;
  tenantId: string;
  tenantName: string;
  scopes: Scope[];
}

export interface Tenant {
  id: string;
  name: string;
  webhookSecret: string;
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
  createKey(tenantName: string, scopes: Scope[], label?: string): Promise<{ key: string; id: string }>;
  listKeys(): Promise<KeySummary[]>;
  revokeKey(id: string): Promise<boolean>;
}

const KEY_PATTERN = /^esk_([a-z]+_[a-z0-9]+)_([A-Za-z0-9_-]{32,})$/;

export function createKeyStore(db: Database): KeyStore {
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
      await db
        .insert(tenants)
        .values({ id: newId("ten"), name, webhookSecret: createWebhookSecret(), createdAt: Date.now() })
        .onConflictDoNothing({ target: tenants.name });
      const rows = await db.select().from(tenants).where(eq(tenants.name, name)).limit(1);
      return rows[0];
    },

    async findTenant(id) {
      const rows = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
      return rows[0] ?? null;
    },

    async findTenantByName(name) {
      const rows = await db.select().from(tenants).where(eq(tenants.name, name)).limit(1);
      return rows[0] ?? null;
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
