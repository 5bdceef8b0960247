// API keys for the local system (the same D1 that `npm start` serves):
//   npm run keys -- create --tenant NAME --scopes ingest,read,feedback,admin [--label TEXT] [--remote]
//   npm run keys -- list
//   npm run keys -- revoke KEY_ID
// `create` prints the new key alone on its last line: it is shown once and stored only hashed.
// With --remote it writes to the deployed D1 (wrangler d1 execute --remote; needs wrangler login).
import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import { mintKey, SCOPES, type Scope } from "../workers/adapters/key-store.ts";
import { newId } from "../workers/codecs/ids.ts";
import { createWebhookSecret } from "../workers/codecs/standard-webhooks.ts";
import { withLocalAdapters } from "./local-platform.ts";

const USAGE =
  "usage: npm run keys -- create --tenant NAME --scopes ingest,read[,feedback,admin] | list | revoke KEY_ID";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: "string" },
    scopes: { type: "string" },
    label: { type: "string" },
    remote: { type: "boolean", default: false },
  },
});
const [command, ...rest] = positionals;

/** Inserts the tenant (if new) and the key into the deployed D1. Every value is validated above or minted here. */
async function createRemoteKey(tenant: string, scopes: Scope[], label: string | null) {
  const minted = await mintKey();
  const now = Date.now();
  const quote = (v: string | null) => (v === null ? "NULL" : `'${v.replaceAll("'", "''")}'`);
  const sql =
    `INSERT INTO tenants (id, name, webhook_secret, created_at) VALUES (${quote(newId("ten"))}, ${quote(tenant)}, ${quote(createWebhookSecret())}, ${now}) ON CONFLICT (name) DO NOTHING; ` +
    `INSERT INTO api_keys (id, tenant_id, secret_hash, scopes, label, created_at) SELECT ${quote(minted.id)}, id, ${quote(minted.secretHash)}, ${quote(scopes.join(","))}, ${quote(label)}, ${now} FROM tenants WHERE name = ${quote(tenant)};`;
  const run = spawnSync("npx", ["wrangler", "d1", "execute", "DB", "--remote", "--command", sql], { stdio: "inherit" });
  if (run.status !== 0)
    fail("wrangler d1 execute --remote failed (is `npx wrangler login` done and the database id in wrangler.toml?)");
  return minted;
}

if (command === "create") {
  const tenant = values.tenant ?? fail("--tenant is required");
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(tenant)) fail("a tenant name is 1–64 characters of A–Z, a–z, 0–9, '.', '_', '-'");
  const scopes = (values.scopes ?? fail("--scopes is required")).split(",").map((s) => s.trim());
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0)
    fail(`unknown scope(s): ${unknown.join(", ")}; known: ${SCOPES.join(", ")}`);
  const label = values.label ?? null;
  if (label !== null && !/^[\w .:@/-]{0,100}$/.test(label))
    fail("a label is up to 100 letters, digits, spaces and . : @ / -");
  const created = values.remote
    ? await createRemoteKey(tenant, scopes as Scope[], label)
    : await withLocalAdapters((a) => a.keys.createKey(tenant, scopes as Scope[], label ?? undefined));
  console.log(`created key ${created.id} for tenant ${tenant} with scopes ${scopes.join(",")}`);
  console.log(created.key);
} else if (command === "list") {
  const keys = await withLocalAdapters((a) => a.keys.listKeys());
  for (const k of keys) {
    const state = k.revokedAt === null ? "active " : "revoked";
    console.log(`${k.id}  ${state}  ${k.tenantName.padEnd(16)} ${k.scopes.join(",").padEnd(28)} ${k.label ?? ""}`);
  }
  if (keys.length === 0) console.log("no keys yet");
} else if (command === "revoke") {
  const id = rest[0] ?? fail("revoke needs a key id (see `npm run keys -- list`)");
  const revoked = await withLocalAdapters((a) => a.keys.revokeKey(id));
  if (!revoked) fail(`no active key ${id}`);
  console.log(`revoked ${id}`);
} else {
  fail(command ? `unknown command "${command}"` : "a command is required");
}
