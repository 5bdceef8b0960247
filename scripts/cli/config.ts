// Where the CLI finds its server and key: EDGE_SVM_URL and EDGE_SVM_KEY, else a JSON file
// {"url", "key"} (--config PATH, else ./.edge-svm.json, else $XDG_CONFIG_HOME/edge-svm/config.json
// or ~/.config/edge-svm/config.json), else the local `npm start`: http://127.0.0.1:8787 with the
// admin key it keeps in .wrangler/state/dev-admin-key (or $EDGE_SVM_STATE_DIR/dev-admin-key).
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "./errors.ts";

export const DEFAULT_URL = "http://127.0.0.1:8787";
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The environment variables read (process.env, or a test's own). */
type Environment = Record<string, string | undefined>;

export interface CliConfig {
  url: string;
  key: string;
  /** Where each came from, for messages. */
  sources: { url: string; key: string };
}

interface Lookup {
  configPath?: string;
  env?: Environment;
  cwd?: string;
  home?: string;
}

/** The config files looked at, first found wins: --config (which must exist), else the defaults. */
export function configCandidates({ configPath, env = process.env, cwd = process.cwd(), home = homedir() }: Lookup) {
  if (configPath !== undefined) return [resolve(cwd, configPath)];
  const xdg = env.XDG_CONFIG_HOME || join(home, ".config");
  return [join(cwd, ".edge-svm.json"), join(xdg, "edge-svm", "config.json")];
}

function readConfigFile(path: string): { url?: string; key?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new UsageError(`the config file ${path} must hold a JSON object {"url": "…", "key": "…"}`);
  const { url, key } = parsed as Record<string, unknown>;
  for (const [name, value] of [
    ["url", url],
    ["key", key],
  ] as const) {
    if (value !== undefined && typeof value !== "string")
      throw new UsageError(`"${name}" in the config file ${path} must be a string`);
  }
  return { url: url as string | undefined, key: key as string | undefined };
}

/** The local admin key of `npm start`, looked for from the cwd and from this project. */
function devAdminKey(env: Environment, cwd: string): { key: string; path: string } | null {
  const state = env.EDGE_SVM_STATE_DIR ?? join(".wrangler", "state");
  for (const base of [cwd, PROJECT_ROOT]) {
    const path = resolve(base, state, "dev-admin-key");
    if (existsSync(path)) return { key: readFileSync(path, "utf8").trim(), path };
  }
  return null;
}

const isLoopback = (url: string) => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(url);

export function resolveConfig(lookup: Lookup = {}): CliConfig {
  const env = lookup.env ?? process.env;
  const cwd = lookup.cwd ?? process.cwd();
  const candidates = configCandidates(lookup);
  if (lookup.configPath !== undefined && !existsSync(candidates[0]))
    throw new UsageError(`no config file ${candidates[0]}`);
  const file = candidates.find((path) => existsSync(path));
  const fromFile = file ? readConfigFile(file) : {};

  const url = (env.EDGE_SVM_URL || fromFile.url || DEFAULT_URL).replace(/\/+$/, "").replace(/\/v1$/, "");
  const urlSource = env.EDGE_SVM_URL ? "EDGE_SVM_URL" : fromFile.url ? (file as string) : "the default";
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`"${url}" (from ${urlSource}) is not an http(s) URL`);

  if (env.EDGE_SVM_KEY) return { url, key: env.EDGE_SVM_KEY, sources: { url: urlSource, key: "EDGE_SVM_KEY" } };
  if (fromFile.key) return { url, key: fromFile.key, sources: { url: urlSource, key: file as string } };
  // The local admin key goes only to a local server, never to a deployed one.
  const local = isLoopback(url) ? devAdminKey(env, cwd) : null;
  if (local) return { url, key: local.key, sources: { url: urlSource, key: local.path } };
  throw new UsageError(
    `no API key for ${url}: set EDGE_SVM_KEY, put {"url", "key"} in .edge-svm.json (or --config FILE), ` +
      `or run npm start once (it writes .wrangler/state/dev-admin-key)`,
  );
}
