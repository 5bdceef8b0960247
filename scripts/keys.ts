// API keys and webhook secrets, for the local system (the D1 that `npm start` serves) or, with
// --remote, for the deployed one:
//   npm run keys -- create --tenant NAME --scopes ingest,read,feedback,admin [--label TEXT] [--remote]
//   npm run keys -- list [--remote]
//   npm run keys -- revoke KEY_ID [--remote]
//   npm run keys -- webhook-secret --tenant NAME [--rotate] [--remote]
// A new key, and a webhook secret, are printed alone on the last line. Keys are stored only
// hashed; webhook secrets encrypted with WEBHOOK_SECRETS_KEY (locally the one in .dev.vars).
// --remote runs SQL on the deployed D1 (wrangler d1 execute --remote; needs wrangler login);
// `create` and `webhook-secret` then need the deployed WEBHOOK_SECRETS_KEY, given with
// --secrets-key or as the environment variable of that name.
import { parseArgs } from "node:util";
import type { Adapters } from "../workers/adapters/index.ts";
import { SCOPES, type KeySummary, type Scope } from "../workers/adapters/key-store.ts";
import { importSecretsKey } from "../workers/codecs/secret-box.ts";
import { createRemoteKey, listRemoteKeys, remoteWebhookSecret, revokeRemoteKey } from "./remote-keys.ts";

const USAGE = `usage: npm run keys -- COMMAND [--remote [--secrets-key BASE64]]
  create --tenant NAME --scopes ingest,read[,feedback,admin] [--label TEXT]
  list
  revoke KEY_ID
  webhook-secret --tenant NAME [--rotate]`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const OPTIONS = {
  tenant: { type: "string" },
  scopes: { type: "string" },
  label: { type: "string" },
  rotate: { type: "boolean" },
  remote: { type: "boolean" },
  "secrets-key": { type: "string" },
} as const;

/** What each command runs, the options it takes besides --remote and --secrets-key, and its positionals. */
const COMMANDS: Record<string, { run: () => Promise<void>; options: (keyof typeof OPTIONS)[]; positionals: number }> = {
  create: { run: createKey, options: ["tenant", "scopes", "label"], positionals: 0 },
  list: { run: listKeys, options: [], positionals: 0 },
  revoke: { run: revokeKey, options: [], positionals: 1 },
  "webhook-secret": { run: webhookSecret, options: ["tenant", "rotate"], positionals: 0 },
};

const { positionals, values } = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const [command, ...rest] = positionals;
const spec =
  command === undefined ? fail("a command is required") : (COMMANDS[command] ?? fail(`unknown command "${command}"`));
for (const option of Object.keys(values) as (keyof typeof OPTIONS)[]) {
  if (option !== "remote" && option !== "secrets-key" && !spec.options.includes(option))
    fail(`--${option} does not go with ${command}`);
}
if (rest.length > spec.positionals) fail(`unexpected argument "${rest[spec.positionals]}"`);
if (values["secrets-key"] !== undefined && !values.remote)
  fail("--secrets-key goes with --remote (locally the key is the one in .dev.vars)");
const remote = values.remote === true;

/** The local bindings, loaded only when needed: --remote never opens local state (nor loads wrangler). */
async function withLocal<T>(work: (adapters: Adapters) => Promise<T>): Promise<T> {
  const { withLocalAdapters } = await import("./local-platform.ts");
  return withLocalAdapters(work);
}

function tenantOption(): string {
  const tenant = values.tenant ?? fail("--tenant is required");
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(tenant)) fail("a tenant name is 1–64 characters of A–Z, a–z, 0–9, '.', '_', '-'");
  return tenant;
}

async function remoteSecretsKey(): Promise<CryptoKey> {
  const base64 = values["secrets-key"] ?? process.env.WEBHOOK_SECRETS_KEY;
  if (!base64)
    fail("--remote needs the deployed WEBHOOK_SECRETS_KEY: --secrets-key BASE64, or that environment variable");
  return importSecretsKey(base64).catch(() => fail("the secrets key must be 32 bytes in base64 (WEBHOOK_SECRETS_KEY)"));
}

async function listKeys() {
  const keys: KeySummary[] = remote ? listRemoteKeys() : await withLocal((a) => a.keys.listKeys());
  for (const k of keys) {
    const state = k.revokedAt === null ? "active " : "revoked";
    console.log(`${k.id}  ${state}  ${k.tenantName.padEnd(16)} ${k.scopes.join(",").padEnd(28)} ${k.label ?? ""}`);
  }
  if (keys.length === 0) console.log("no keys yet");
}

async function createKey() {
  const tenant = tenantOption();
  const scopes = (values.scopes ?? fail("--scopes is required")).split(",").map((s) => s.trim());
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0)
    fail(`unknown scope(s): ${unknown.join(", ")}; known: ${SCOPES.join(", ")}`);
  const label = values.label ?? null;
  if (label !== null && !/^[\w .:@/-]{0,100}$/.test(label))
    fail("a label is up to 100 letters, digits, spaces and . : @ / -");
  const created = remote
    ? await createRemoteKey(await remoteSecretsKey(), tenant, scopes as Scope[], label)
    : await withLocal((a) => a.keys.createKey(tenant, scopes as Scope[], label ?? undefined));
  console.log(`created key ${created.id} for tenant ${tenant} with scopes ${scopes.join(",")}`);
  console.log(created.key);
}

async function revokeKey() {
  const id = rest[0] ?? fail("revoke needs a key id (see `npm run keys -- list`)");
  if (!/^key_[a-z0-9]+$/.test(id)) fail(`"${id}" is not a key id (key_…; see \`npm run keys -- list\`)`);
  const revoked = remote ? revokeRemoteKey(id) : await withLocal((a) => a.keys.revokeKey(id));
  if (!revoked) fail(`no active key ${id}`);
  console.log(`revoked ${id}`);
}

async function webhookSecret() {
  const tenant = tenantOption();
  const rotate = values.rotate === true;
  const found = remote
    ? await remoteWebhookSecret(await remoteSecretsKey(), tenant, rotate)
    : await withLocal(async (a) => {
        const t = await (rotate ? a.keys.rotateWebhookSecret(tenant) : a.keys.findTenantByName(tenant));
        return t && { webhookSecret: t.webhookSecret, previousAccepted: t.previousWebhookSecret !== null };
      });
  if (!found) fail(`no tenant ${tenant}`);
  if (rotate) console.log(`rotated the webhook secret of ${tenant}; the previous one is accepted for 24 hours more`);
  else
    console.log(`webhook secret of ${tenant}${found.previousAccepted ? " (the previous one is still accepted)" : ""}`);
  console.log(found.webhookSecret);
}

try {
  await spec.run();
} catch (error) {
  console.error(`keys ${command}: ${(error as Error).message}`);
  process.exit(1);
}
