// Opens the local bindings that `wrangler dev` uses (same wrangler.toml, same .wrangler/state),
// so CLI scripts go through the Worker's own adapters.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
import { createAdapters, type Adapters } from "../workers/adapters/index.ts";
import { ensureDevVars } from "./ensure-dev-vars.ts";

/** Where local state lives; tests point it at a temporary folder (the same --persist-to as wrangler dev). */
export const STATE_DIR = process.env.EDGE_SVM_STATE_DIR ?? ".wrangler/state";

export async function withLocalAdapters<T>(work: (adapters: Adapters) => Promise<T>): Promise<T> {
  // WEBHOOK_SECRETS_KEY comes from .dev.vars, as for `wrangler dev`; made here on first use too,
  // so the scripts work (and agree with the local Worker) before `npm start` ever ran.
  ensureDevVars();
  // Keeps wrangler's "Using secrets defined in .dev.vars" off stdout, where the scripts print
  // what callers parse (a new key alone on the last line); warnings still reach stderr.
  process.env.WRANGLER_LOG ??= "warn";
  const proxy = await getPlatformProxy<Env>({ configPath: cliConfig(), persist: { path: `${STATE_DIR}/v3` } });
  try {
    const secret = devVar("WEBHOOK_SECRETS_KEY");
    return await work(createAdapters({ ...proxy.env, ...(secret ? { WEBHOOK_SECRETS_KEY: secret } : {}) }));
  } finally {
    await proxy.dispose();
  }
}

/** The part of wrangler's parsed config read here. */
interface StorageConfig {
  name?: string;
  compatibility_date?: string;
  compatibility_flags?: string[];
  d1_databases: { binding: string; database_name?: string; database_id?: string }[];
  kv_namespaces: { binding: string; id?: string }[];
  r2_buckets: { binding: string; bucket_name?: string }[];
  vars: Record<string, unknown>;
}

/**
 * wrangler.toml's storage bindings and vars only. The CLIs need D1, KV and R2; given the
 * Durable Objects too, the proxy (which cannot run the Worker's classes) prints warnings that
 * they "will not work in local development" into every `npm start`. Same ids and names, so the
 * same local state.
 */
function cliConfig(): string {
  const config: StorageConfig = unstable_readConfig({ config: "wrangler.toml" });
  const cli = {
    name: config.name,
    compatibility_date: config.compatibility_date,
    compatibility_flags: config.compatibility_flags,
    d1_databases: config.d1_databases.map(({ binding, database_name, database_id }) => ({
      binding,
      database_name,
      database_id,
    })),
    kv_namespaces: config.kv_namespaces.map(({ binding, id }) => ({ binding, id })),
    r2_buckets: config.r2_buckets.map(({ binding, bucket_name }) => ({ binding, bucket_name })),
    vars: config.vars,
  };
  mkdirSync(".wrangler/cli", { recursive: true });
  writeFileSync(".wrangler/cli/wrangler.json", JSON.stringify(cli, null, 2));
  return ".wrangler/cli/wrangler.json";
}

/** A value of .dev.vars (the generated config lives elsewhere, so wrangler does not read it there). */
function devVar(name: string): string | undefined {
  const text = readFileSync(".dev.vars", "utf8");
  const match = new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=\\s*"?([^"\\n]*)"?\\s*$`, "m").exec(text);
  return match?.[1];
}
