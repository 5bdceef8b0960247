// Opens the local bindings that `wrangler dev` uses (same wrangler.toml, same .wrangler/state),
// so CLI scripts go through the Worker's own adapters.
import { getPlatformProxy } from "wrangler";
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
  const proxy = await getPlatformProxy<Env>({ configPath: "wrangler.toml", persist: { path: `${STATE_DIR}/v3` } });
  try {
    return await work(createAdapters(proxy.env));
  } finally {
    await proxy.dispose();
  }
}
