// The shape of a bench:scale run: how many clients send how big batches, and for how long.

export const WRANGLER = "node_modules/wrangler/bin/wrangler.js";
export const CLIENTS = 8;
export const ROWS_PER_BATCH = 10_000;
export const FEATURES = 20;
export const TRAIN_ROWS = 4_000;
export const TARGET_ROWS = 2_000_000;
export const MAX_SECONDS = 120;
/** How long batches still in flight at the stop may take to finish. */
export const DRAIN_SECONDS = 120;
export const QUIET = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };
