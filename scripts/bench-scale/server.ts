// The bench's own wrangler dev and the node processes it runs: fresh state in a temporary
// folder, every child in its own process group, and all of them stopped (and the folder
// removed) at the end, on a signal, or, as a last resort, when the bench's process exits.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QUIET, WRANGLER } from "./settings.ts";

const dir = mkdtempSync(join(tmpdir(), "edge-svm-bench-scale-"));
export const state = join(dir, "state");
const children = new Set<ChildProcess>();
let interrupted = false;

/** Whether a signal stopped the run (its failure is then not worth a message). */
export function wasInterrupted(): boolean {
  return interrupted;
}

/** Spawns node in its own process group (stopping the group stops the workerd it starts), output to a file. */
function spawnNode(args: string[], env: Record<string, string>, log: string): ChildProcess {
  const fd = openSync(log, "a");
  const child = spawn(process.execPath, args, {
    detached: true,
    env: { ...process.env, ...QUIET, ...env },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((done) => child.once("exit", (code) => done(code)));

export const tail = (log: string) => readFileSync(log, "utf8").trim().split("\n").slice(-30).join("\n");

/** Runs a node script to its end; returns what it printed. */
export async function run(what: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const log = join(dir, `${what.replace(/\W+/g, "-")}.log`);
  const code = await exited(spawnNode(args, env, log));
  if (code !== 0) throw new Error(`${what} exited with ${code}:\n${tail(log)}`);
  return readFileSync(log, "utf8");
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      const done = exited(child);
      signalGroup(child, "SIGTERM");
      const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5000).unref());
      if ((await Promise.race([done, timeout])) === "timeout") signalGroup(child, "SIGKILL");
      await done;
      // workerd may outlive wrangler by a moment: nothing of the group may stay.
      signalGroup(child, "SIGKILL");
    }),
  );
  rmSync(dir, { recursive: true, force: true });
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${process.env.npm_lifecycle_event ?? "bench"}: ${signal}, stopping the server`);
    void stopAll().finally(() => process.exit(130));
  });
}
// Last resort if the process ends some other way: the groups are killed synchronously.
process.once("exit", () => {
  for (const child of children) signalGroup(child, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((found, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => found(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * wrangler dev on free ports over the fresh state, with `vars` ("NAME:value") passed as --var, and
 * the per-key rate limits off (RATE_LIMITS:off): a bench measures the Worker, not the limiter.
 */
export async function startServer(
  vars: readonly string[] = ["METER:on"],
): Promise<{ url: string; server: ChildProcess; log: string }> {
  const [port, inspector] = [await freePort(), await freePort()];
  const assets = join(dir, "assets");
  mkdirSync(assets);
  const log = join(dir, "wrangler-dev.log");
  // Vars not passed keep their wrangler.toml defaults. --log-level warn: wrangler would
  // otherwise print a line per request, CPU taken from the machine being measured.
  const server = spawnNode(
    [
      WRANGLER,
      "dev",
      "--persist-to",
      state,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspector),
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
      "--assets",
      assets,
      ...[...vars, "RATE_LIMITS:off"].flatMap((v) => ["--var", v]),
    ],
    {},
    log,
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (
    !(await fetch(`${url}/v1/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (server.exitCode !== null || Date.now() > deadline)
      throw new Error(`wrangler dev did not become healthy:\n${tail(log)}`);
    await sleep(250);
  }
  return { url, server, log };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
