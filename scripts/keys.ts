// API keys for the local system (the same D1 that `npm start` serves):
//   npm run keys -- create --tenant NAME --scopes ingest,read,feedback,admin [--label TEXT]
//   npm run keys -- list
//   npm run keys -- revoke KEY_ID
// `create` prints the new key alone on its last line: it is shown once and stored only hashed.
import { parseArgs } from "node:util";
import { SCOPES, type Scope } from "../workers/adapters/key-store.ts";
import { withLocalAdapters } from "./local-platform.ts";

const USAGE =
  "usage: npm run keys -- create --tenant NAME --scopes ingest,read[,feedback,admin] | list | revoke KEY_ID";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { tenant: { type: "string" }, scopes: { type: "string" }, label: { type: "string" } },
});
const [command, ...rest] = positionals;

if (command === "create") {
  const tenant = values.tenant ?? fail("--tenant is required");
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(tenant)) fail("a tenant name is 1–64 characters of A–Z, a–z, 0–9, '.', '_', '-'");
  const scopes = (values.scopes ?? fail("--scopes is required")).split(",").map((s) => s.trim());
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0)
    fail(`unknown scope(s): ${unknown.join(", ")}; known: ${SCOPES.join(", ")}`);
  const created = await withLocalAdapters((a) => a.keys.createKey(tenant, scopes as Scope[], values.label));
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
