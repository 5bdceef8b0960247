// The real Worker for browser tests: `wrangler dev` on free ports with its own state folder
// (migrated and seeded like `npm start`, never touching the developer's .wrangler/state),
// serving the built dashboard (web/build) and the /v1 API from one origin.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const WRANGLER = "node_modules/wrangler/bin/wrangler.js";
const ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
};

export interface LocalWorker {
  url: string;
  /** The state folder (D1, KV, R2, queues and Durable Objects of this worker). */
  state: string;
  /** The seeded admin key (all four scopes). */
  adminKey: string;
  /** Extra keys, by the names given to startLocalWorker. */
  keys: Record<string, string>;
  /** Scratch folder for the test (state lives in <dir>/state). */
  dir: string;
  stop: () => Promise<void>;
  /** SIGKILL to the whole process group, as a crash or an OOM killer would: nothing shuts down cleanly. */
  kill: () => Promise<void>;
  /** Starts the same server again on the same state and port; resolves when it is healthy. */
  restart: () => Promise<void>;
}

export interface WorkerOptions {
  /** Start through `npm start`'s script (wrangler dev plus the dev cron ticker) instead of wrangler dev. */
  npmStart?: boolean;
  /** `--var NAME:value` overrides. */
  vars?: Record<string, string>;
}

function freePort(): Promise<number> {
  return new Promise((found, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => found(port));
    });
  });
}

/** Spawns node in its own process group, so stopping it also stops the workerd it starts. */
function spawnNode(args: string[], env: NodeJS.ProcessEnv, log: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { detached: true, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once("exit", (code) => done(code)));
}

/** Runs a node script to its end and returns what it printed. */
async function run(args: string[], env: NodeJS.ProcessEnv, what: string): Promise<string> {
  const log: string[] = [];
  const code = await exited(spawnNode(args, env, log));
  if (code !== 0) throw new Error(`${what} exited with ${code}:\n${log.join("")}`);
  return log.join("");
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // The group is already gone.
    }
  };
  const done = exited(child);
  signalGroup("SIGTERM");
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5000).unref());
  if ((await Promise.race([done, timeout])) === "timeout") signalGroup("SIGKILL");
  await done;
  // workerd may outlive wrangler by a moment; make sure nothing of the group is left.
  signalGroup("SIGKILL");
}

/** An extra key: its scopes, of the demo tenant unless another tenant is named (made when first named). */
export interface KeySpec {
  scopes: string[];
  tenant?: string;
}

/** `keys` names extra keys to create (before the server starts, so nothing writes to D1 twice). */
export async function startLocalWorker(
  keySpecs: Record<string, KeySpec> = {},
  options: WorkerOptions = {},
): Promise<LocalWorker> {
  const dir = mkdtempSync(join(tmpdir(), "edge-svm-web-"));
  const state = join(dir, "state");
  const stateEnv = { ...ENV, EDGE_SVM_STATE_DIR: state };
  await run([WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], ENV, "migrations");
  await run(["scripts/seed.ts"], stateEnv, "seed");
  const adminKey = readFileSync(join(state, "dev-admin-key"), "utf8").trim();
  const keys: Record<string, string> = {};
  for (const [name, { scopes, tenant = "demo" }] of Object.entries(keySpecs)) {
    const printed = await run(
      ["scripts/keys.ts", "create", "--tenant", tenant, "--scopes", scopes.join(","), "--label", name],
      stateEnv,
      `keys create (${name})`,
    );
    // The key is printed alone on the last line.
    keys[name] = printed.trim().split("\n").at(-1)?.trim() ?? "";
  }

  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = [
    options.npmStart ? "scripts/start.ts" : WRANGLER,
    ...(options.npmStart ? [] : ["dev"]),
    "--persist-to",
    state,
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--show-interactive-dev-session=false",
    ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
  const log: string[] = [];
  const url = `http://127.0.0.1:${port}`;
  let server = spawnNode(args, ENV, log);

  const healthy = async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${url}/v1/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      if (server.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`wrangler dev did not become healthy:\n${log.join("")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const stop = async () => {
    await stopGroup(server);
    rmSync(dir, { recursive: true, force: true });
  };
  const kill = async () => {
    const done = exited(server);
    try {
      process.kill(-(server.pid as number), "SIGKILL");
    } catch {
      // Already gone.
    }
    await done;
  };
  const restart = async () => {
    server = spawnNode(args, ENV, log);
    await healthy();
  };
  await healthy();
  return { url, state, adminKey, keys, dir, stop, kill, restart };
}
