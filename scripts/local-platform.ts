// Opens the local bindings that `wrangler dev` uses (same wrangler.toml, same .wrangler/state),
// so CLI scripts go through the Worker's own adapters.
import { getPlatformProxy } from "wrangler";
import { createAdapters, type Adapters } from "../workers/adapters/index.ts";

/** Where local state lives; tests point it at a temporary folder (the same --persist-to as wrangler dev). */
export const STATE_DIR = process.env.EDGE_SVM_STATE_DIR ?? ".wrangler/state";

export async function withLocalAdapters<T>(work: (adapters: Adapters) => Promise<T>): Promise<T> {
  const proxy = await getPlatformProxy<Env>({ configPath: "wrangler.toml", persist: { path: `${STATE_DIR}/v3` } });
  try {
    return await work(createAdapters(proxy.env));
  } finally {
    await proxy.dispose();
  }
}
