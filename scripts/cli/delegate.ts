// `edge-svm keys …`, `edge-svm webhook-secret show|rotate …` and `edge-svm train …` run
// scripts/keys.ts and scripts/train.ts (what `npm run keys` and `npm run train` run) on this
// same Node, with stdio passed through; the CLI exits with their exit code.
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "./errors.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Runs a project script; keys.ts works on the local state, so it runs from the project's folder. */
function runScript(script: "keys.ts" | "train.ts", args: string[], cwd: string): Promise<number> {
  const env = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env };
  const child = spawn(process.execPath, [join(ROOT, "scripts", script), ...args], { stdio: "inherit", env, cwd });
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, forward(signal));
  return new Promise((done, fail) => {
    child.on("error", fail);
    child.on("exit", (code, signal) => done(code ?? (signal === null ? 1 : 128)));
  });
}

export function keys(args: string[]): Promise<number> {
  const [action] = args;
  if (action === undefined || !["create", "list", "revoke"].includes(action))
    throw new UsageError(`keys needs an action: create, list or revoke (got ${action ?? "none"})`);
  return runScript("keys.ts", args, ROOT);
}

export function webhookSecret(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== "show" && action !== "rotate")
    throw new UsageError(`webhook-secret needs an action: show or rotate (got ${action ?? "none"})`);
  return runScript("keys.ts", ["webhook-secret", ...rest, ...(action === "rotate" ? ["--rotate"] : [])], ROOT);
}

/** Training reads and writes files named relative to where the CLI was started. */
export function train(args: string[]): Promise<number> {
  return runScript("train.ts", args, process.cwd());
}
