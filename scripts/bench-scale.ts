// `npm run bench:scale`: what one million scored rows cost on Cloudflare's list prices, and how
// fast the pipeline scores them. It starts its own wrangler dev (free ports, fresh state in a
// temporary folder, the var METER on, an empty assets folder so no dashboard build is needed),
// makes a fresh tenant with an admin key (scripts/keys.ts on that state, before the server
// starts), trains a 20-feature linear SVM here with model/ and publishes it as the tenant's
// champion. Then 8 clients each submit 10,000-row gzip batches, poll them to completion and
// check every row, until 2,000,000 rows are done or 120 s have passed. The Worker's meter
// (GET /v1/_meter) counts what the run asked of D1, KV, R2, Queues and Durable Objects; each
// count is scaled to 1M scored rows and priced. It uses only the HTTP API, so it keeps working
// whatever the queue messages look like. The last line printed is always:
//   D1 rows written per 1M scored rows: N; cost per 1M scored rows: $X; pipeline rows/s: R
// One file (longer than most) so the method, the prices and their sources sit together.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync, strToU8 } from "fflate";
import { unstable_readConfig } from "wrangler";
import {
  buildArtifact,
  crossValidate,
  formatCsv,
  generateClassification,
  selectRows,
  trainSvm,
} from "../model/index.ts";
import { publishModel } from "./publish-model.ts";
import type { MeterSnapshot } from "../workers/adapters/meter.ts";

const WRANGLER = "node_modules/wrangler/bin/wrangler.js";
const CLIENTS = 8;
const ROWS_PER_BATCH = 10_000;
const FEATURES = 20;
const TRAIN_ROWS = 4_000;
const TARGET_ROWS = 2_000_000;
const MAX_SECONDS = 120;
/** How long batches still in flight at the stop may take to finish. */
const DRAIN_SECONDS = 120;
const QUIET = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };

// Workers Paid list prices, per unit, beyond the included monthly usage (the $5 plan minimum
// and the allowances are left out: this is the marginal cost of more rows). Each was checked
// against the page given (docs as stored on 2026-12-02).
const WORKERS = "https://developers.cloudflare.com/workers/platform/pricing/";
const D1 = "https://developers.cloudflare.com/d1/platform/pricing/";
const R2 = "https://developers.cloudflare.com/r2/pricing/";
const KV = "https://developers.cloudflare.com/kv/platform/pricing/";
const QUEUES = "https://developers.cloudflare.com/queues/platform/pricing/";
const DO = "https://developers.cloudflare.com/durable-objects/platform/pricing/";
const PRICE = {
  workerRequest: { usd: 0.3 / 1e6, source: WORKERS }, // $0.30 / million requests
  workerCpuMs: { usd: 0.02 / 1e6, source: WORKERS }, // $0.02 / million CPU ms
  d1RowRead: { usd: 0.001 / 1e6, source: D1 }, // $0.001 / million rows
  d1RowWritten: { usd: 1 / 1e6, source: D1 }, // $1.00 / million rows
  d1GbMonth: { usd: 0.75, source: D1 }, // $0.75 / GB-month
  r2ClassA: { usd: 4.5 / 1e6, source: R2 }, // $4.50 / million (Standard storage)
  r2ClassB: { usd: 0.36 / 1e6, source: R2 }, // $0.36 / million
  r2GbMonth: { usd: 0.015, source: R2 }, // $0.015 / GB-month
  kvRead: { usd: 0.5 / 1e6, source: KV }, // $0.50 / million
  kvWrite: { usd: 5 / 1e6, source: KV }, // $5.00 / million writes, and the same for deletes
  kvList: { usd: 5 / 1e6, source: KV }, // $5.00 / million
  kvGbMonth: { usd: 0.5, source: KV }, // $0.50 / GB-month
  queueOperation: { usd: 0.4 / 1e6, source: QUEUES }, // $0.40 / million operations (64 KB each)
  doRequest: { usd: 0.15 / 1e6, source: DO }, // $0.15 / million (HTTP requests, RPC sessions)
  doGbSecond: { usd: 12.5 / 1e6, source: DO }, // $12.50 / million GB-s, at 128 MB per object
  doRowRead: { usd: 0.001 / 1e6, source: DO }, // SQLite storage: as D1
  doRowWritten: { usd: 1 / 1e6, source: DO },
  doGbMonth: { usd: 0.2, source: DO }, // $0.20 / GB-month
} as const;

/** The snapshot of GET /v1/_meter: the Worker's own type (a type-only import, no Worker code runs here). */
type Meter = MeterSnapshot;

// --- the server and its processes -------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), "edge-svm-bench-scale-"));
const state = join(dir, "state");
const children = new Set<ChildProcess>();
let interrupted = false;

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

const tail = (log: string) => readFileSync(log, "utf8").trim().split("\n").slice(-30).join("\n");

/** Runs a node script to its end; returns what it printed. */
async function run(what: string, args: string[], env: Record<string, string> = {}): Promise<string> {
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

async function stopAll(): Promise<void> {
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
    console.error(`\nbench:scale: ${signal}, stopping the server`);
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

async function startServer(): Promise<{ url: string; server: ChildProcess; log: string }> {
  const [port, inspector] = [await freePort(), await freePort()];
  const assets = join(dir, "assets");
  mkdirSync(assets);
  const log = join(dir, "wrangler-dev.log");
  // Vars other than METER keep their wrangler.toml defaults. --log-level warn: wrangler would
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
      "--var",
      "METER:on",
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- CPU of the processes ---------------------------------------------------------------

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) of each process of a group, by pid, with its command name. */
function groupCpu(pgid: number): Map<number, { name: string; seconds: number }> {
  const found = new Map<number, { name: string; seconds: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // It ended meanwhile.
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    // Fields after the name: state ppid pgrp ... utime (14th field) stime (15th).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    found.set(Number(entry), { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
  }
  return found;
}

/** CPU seconds the whole machine spent busy (every core), from /proc/stat. */
function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal = 0] = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

function cpuUsedByName(before: ReturnType<typeof groupCpu>, after: ReturnType<typeof groupCpu>): Map<string, number> {
  const byName = new Map<string, number>();
  for (const [pid, now] of after) {
    const used = now.seconds - (before.get(pid)?.seconds ?? 0);
    byName.set(now.name, (byName.get(now.name) ?? 0) + used);
  }
  return byName;
}

// --- the tenant, its model and the batches ----------------------------------------------

/** Migrates the fresh state and makes the key there, before the server opens it (one writer at a time). */
async function createAdminKey(): Promise<{ tenant: string; key: string }> {
  await run("migrations", [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  const tenant = `bench-${crypto.randomUUID().slice(0, 8)}`;
  const printed = await run(
    "keys create",
    ["scripts/keys.ts", "create", "--tenant", tenant, "--scopes", "ingest,read,admin", "--label", "bench:scale"],
    { EDGE_SVM_STATE_DIR: state },
  );
  // The key is printed alone on the last line.
  return { tenant, key: printed.trim().split("\n").at(-1)?.trim() ?? "" };
}

const data = generateClassification({
  rows: TRAIN_ROWS + CLIENTS * ROWS_PER_BATCH,
  features: FEATURES,
  informative: 8,
  redundant: 4,
  flip: 0.02,
  classSep: 1.2,
  seed: 20261202,
});

async function publishBenchModel(url: string, key: string): Promise<{ version: string; accuracy: number }> {
  const train = selectRows(
    data,
    Array.from({ length: TRAIN_ROWS }, (_, i) => i),
  );
  const metrics = crossValidate(train, { folds: 5 }).metrics;
  const version = `bench-${Date.now()}`;
  const artifact = await buildArtifact({ version, data: train, result: trainSvm(train), metrics });
  await publishModel({ url, key, artifact, dataset: formatCsv(train), activate: true });
  // Serving models are cached per isolate: wait until the Worker serves this one.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const me = (await (await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      model?: { version: string | null };
    };
    if (me.model?.version === version) return { version, accuracy: metrics.accuracy };
    if (Date.now() > deadline) throw new Error(`the Worker does not serve ${version} 30 s after publishing it`);
    await sleep(200);
  }
}

/** Eight different 10,000-row bodies from the same distribution, values with 4 decimals. */
function makeBodies(): Uint8Array[] {
  return Array.from({ length: CLIENTS }, (_, b) => {
    const features: number[][] = [];
    for (let r = 0; r < ROWS_PER_BATCH; r++) {
      const offset = (TRAIN_ROWS + b * ROWS_PER_BATCH + r) * FEATURES;
      features.push(Array.from(data.x.subarray(offset, offset + FEATURES), (v) => Math.round(v * 1e4) / 1e4));
    }
    return gzipSync(strToU8(JSON.stringify({ features })));
  });
}

// --- the clients ------------------------------------------------------------------------

interface Progress {
  started: number;
  stopAt: number;
  drainUntil: number;
  inFlight: number;
  completedRows: number;
  completedBatches: number;
  lastCompletion: number;
  polls: number;
  latenciesMs: number[];
  postMs: number[];
}

async function submit(url: string, key: string, body: Uint8Array): Promise<string> {
  const response = await fetch(`${url}/v1/batches`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-encoding": "gzip" },
    body,
  });
  if (response.status !== 202)
    throw new Error(`POST /v1/batches answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { batchId: string }).batchId;
}

/** Polls until complete (every 20–50 ms); then every row 0..9999 must be there exactly once. */
async function awaitComplete(url: string, key: string, batchId: string, progress: Progress | null): Promise<void> {
  for (;;) {
    await sleep(20 + Math.random() * 30);
    if (progress) progress.polls += 1;
    const response = await fetch(`${url}/v1/batches/${batchId}`, { headers: { authorization: `Bearer ${key}` } });
    if (!response.ok)
      throw new Error(`GET /v1/batches/${batchId} answered ${response.status}: ${await response.text()}`);
    const result = (await response.json()) as { status: string; error?: unknown; predictions?: { row: number }[] };
    if (result.status === "failed") throw new Error(`batch ${batchId} failed: ${JSON.stringify(result.error)}`);
    if (result.status === "complete") return checkRows(batchId, result.predictions ?? []);
    if (progress && performance.now() > progress.drainUntil)
      throw new Error(`batch ${batchId} still ${result.status} at the drain deadline`);
  }
}

function checkRows(batchId: string, predictions: { row: number }[]): void {
  const seen = new Uint8Array(ROWS_PER_BATCH);
  for (const { row } of predictions) {
    if (!Number.isInteger(row) || row < 0 || row >= ROWS_PER_BATCH || seen[row] === 1) {
      throw new Error(`batch ${batchId}: row ${row} is out of range or repeated`);
    }
    seen[row] = 1;
  }
  if (predictions.length !== ROWS_PER_BATCH)
    throw new Error(`batch ${batchId}: ${predictions.length} predictions, expected ${ROWS_PER_BATCH}`);
}

async function runClient(
  url: string,
  key: string,
  bodies: Uint8Array[],
  client: number,
  progress: Progress,
): Promise<void> {
  for (let n = 0; ; n++) {
    // No new batch once the rows under way reach the target, or after the time limit.
    const now = performance.now();
    if (progress.completedRows + progress.inFlight * ROWS_PER_BATCH >= TARGET_ROWS || now >= progress.stopAt) return;
    progress.inFlight += 1;
    try {
      const batchId = await submit(url, key, bodies[(client + n) % bodies.length]);
      progress.postMs.push(performance.now() - now);
      await awaitComplete(url, key, batchId, progress);
    } finally {
      progress.inFlight -= 1;
    }
    progress.completedRows += ROWS_PER_BATCH;
    progress.completedBatches += 1;
    progress.lastCompletion = performance.now();
    progress.latenciesMs.push(progress.lastCompletion - now);
  }
}

// --- the meter and the bill -------------------------------------------------------------

async function meter(url: string, key: string, method: "GET" | "DELETE"): Promise<Meter | null> {
  const response = await fetch(`${url}/v1/_meter`, { method, headers: { authorization: `Bearer ${key}` } });
  if (!response.ok) throw new Error(`${method} /v1/_meter answered ${response.status}: ${await response.text()}`);
  return method === "GET" ? ((await response.json()) as Meter) : null;
}

/** Reads the meter until the work left behind (waitUntil, grouped queues) has settled. */
async function settledMeter(url: string, key: string): Promise<{ snapshot: Meter; reads: number }> {
  const busy = (m: Meter) =>
    [
      m.d1.statements,
      m.kv.writes,
      m.r2.classA,
      m.queues.messages,
      m.queues.deliveries,
      m.durableObjects.requests,
      m.invocations.queue,
    ].join();
  let reads = 1;
  let last = (await meter(url, key, "GET")) as Meter;
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; reads++) {
    await sleep(2500);
    const next = (await meter(url, key, "GET")) as Meter;
    if (busy(next) === busy(last)) return { snapshot: next, reads: reads + 1 };
    last = next;
  }
  return { snapshot: last, reads };
}

interface Line {
  what: string;
  perMillion: number | null;
  unit: string;
  usd: number | null;
  note?: string;
}

function bill(
  m: Meter,
  rows: number,
  extra: { workerdCpuSeconds: number | null; meterReads: number; polls: number; retentionDays: number },
): Line[] {
  const scale = 1e6 / rows;
  const months = extra.retentionDays / 30;
  const line = (
    what: string,
    count: number | null,
    unit: string,
    price: { usd: number } | null,
    note?: string,
  ): Line => {
    const perMillion = count === null ? null : count * scale;
    return { what, perMillion, unit, usd: perMillion === null || price === null ? null : perMillion * price.usd, note };
  };
  const requests = m.invocations.fetch - extra.meterReads + m.invocations.queue + m.invocations.scheduled;
  const d1Growth =
    m.d1.sizeFirstBytes === null || m.d1.sizeLastBytes === null
      ? null
      : Math.max(0, m.d1.sizeLastBytes - m.d1.sizeFirstBytes);
  const kvGbMonths = (m.kv.bytesPutWithoutTtl * months + m.kv.ttlByteSeconds / (30 * 86_400)) / 1e9;
  const doGbSeconds = (m.durableObjects.wallMs / 1000) * 0.128;
  return [
    line(
      "Workers requests (invocations)",
      requests,
      "requests",
      PRICE.workerRequest,
      `fetch ${m.invocations.fetch - extra.meterReads} (${extra.polls} of them client polls), queue ${m.invocations.queue}, scheduled ${m.invocations.scheduled}`,
    ),
    line(
      "Workers CPU",
      extra.workerdCpuSeconds === null ? null : extra.workerdCpuSeconds * 1000,
      "CPU ms",
      PRICE.workerCpuMs,
      "upper bound: all of workerd's CPU, local D1/KV/R2/queue simulators included",
    ),
    line(
      "D1 rows read",
      m.d1.rowsRead,
      "rows",
      PRICE.d1RowRead,
      `${Math.round(m.d1.statements * scale)} statements per 1M rows`,
    ),
    line("D1 rows written", m.d1.rowsWritten, "rows", PRICE.d1RowWritten),
    line(
      "D1 storage",
      d1Growth === null ? null : (d1Growth / 1e9) * months,
      "GB-month",
      PRICE.d1GbMonth,
      `database growth kept ${extra.retentionDays} days (RETENTION_DAYS)`,
    ),
    line("R2 class A", m.r2.classA, "operations", PRICE.r2ClassA),
    line("R2 class B", m.r2.classB, "operations", PRICE.r2ClassB),
    line(
      "R2 storage",
      (Math.max(0, m.r2.bytesPut - m.r2.bytesDeleted) / 1e9) * months,
      "GB-month",
      PRICE.r2GbMonth,
      `bytes put kept ${extra.retentionDays} days`,
    ),
    line("KV reads", m.kv.reads, "reads", PRICE.kvRead),
    line("KV writes and deletes", m.kv.writes + m.kv.deletes, "writes", PRICE.kvWrite),
    line("KV lists", m.kv.lists, "lists", PRICE.kvList),
    line(
      "KV storage",
      m.kv.unsizedPuts > 0 ? null : kvGbMonths,
      "GB-month",
      PRICE.kvGbMonth,
      m.kv.unsizedPuts > 0
        ? `${m.kv.unsizedPuts} puts of streams of unknown size`
        : "bytes put, for their TTL or the retention",
    ),
    line(
      "Queues operations",
      m.queues.operations,
      "operations",
      PRICE.queueOperation,
      `${Math.round(m.queues.messages * scale)} messages, ${((m.queues.bytes * scale) / 1e3).toFixed(1)} KB; 3 per 64 KB chunk`,
    ),
    line("Durable Objects requests", m.durableObjects.requests, "requests", PRICE.doRequest),
    line(
      "Durable Objects duration",
      doGbSeconds,
      "GB-s",
      PRICE.doGbSecond,
      "sum of request wall times at 128 MB (concurrent requests share billed time: an upper bound)",
    ),
    line(
      "DO SQLite rows read",
      m.durableObjects.storageRowsRead,
      "rows",
      PRICE.doRowRead,
      "as reported by the objects",
    ),
    line(
      "DO SQLite rows written",
      m.durableObjects.storageRowsWritten,
      "rows",
      PRICE.doRowWritten,
      "as reported by the objects",
    ),
    line("DO SQLite storage", null, "GB-month", PRICE.doGbMonth, "not measured"),
  ];
}

function printBill(lines: Line[]): number {
  const num = (v: number) => (v === 0 ? "0" : v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(3));
  console.log(
    `\n${"per 1,000,000 scored rows".padEnd(32)}${"count".padStart(16)}  ${"unit".padEnd(11)}${"USD".padStart(11)}  note`,
  );
  let total = 0;
  for (const l of lines) {
    total += l.usd ?? 0;
    const count = l.perMillion === null ? "absent" : num(l.perMillion);
    const usd = l.usd === null ? "absent" : `$${l.usd.toFixed(4)}`;
    console.log(`${l.what.padEnd(32)}${count.padStart(16)}  ${l.unit.padEnd(11)}${usd.padStart(11)}  ${l.note ?? ""}`);
  }
  console.log(`${"total (absent lines excluded)".padEnd(61)}${`$${total.toFixed(4)}`.padStart(10)}`);
  console.log("\nprices (Workers Paid, beyond included usage):");
  for (const source of new Set(Object.values(PRICE).map((p) => p.source))) console.log(`  ${source}`);
  return total;
}

// --- the run ----------------------------------------------------------------------------

async function main(): Promise<string> {
  const retentionDays = Number(unstable_readConfig({ config: "wrangler.toml" }).vars.RETENTION_DAYS ?? 30);
  const bodies = makeBodies();
  const { tenant, key } = await createAdminKey();
  const { url, server, log } = await startServer();
  console.log(`wrangler dev at ${url} (state ${state}), tenant ${tenant}`);
  const model = await publishBenchModel(url, key);
  const kib = bodies.reduce((sum, b) => sum + b.byteLength, 0) / bodies.length / 1024;
  console.log(
    `model ${model.version}: ${FEATURES} features, 5-fold accuracy ${model.accuracy.toFixed(3)}; ${CLIENTS} bodies of ${ROWS_PER_BATCH.toLocaleString("en-US")} rows, ${kib.toFixed(0)} KiB gzip each`,
  );

  // Warm-up: one batch per client (isolate, model and key caches), then the counters start at zero.
  await Promise.all(bodies.map(async (body) => awaitComplete(url, key, await submit(url, key, body), null)));
  await meter(url, key, "DELETE");
  const isolate = ((await meter(url, key, "GET")) as Meter).isolate;

  const pgid = server.pid ?? 0;
  const cpuBefore = groupCpu(pgid);
  const machineBefore = machineBusySeconds();
  const benchBefore = process.cpuUsage();
  const started = performance.now();
  const progress: Progress = {
    started,
    stopAt: started + MAX_SECONDS * 1000,
    drainUntil: started + (MAX_SECONDS + DRAIN_SECONDS) * 1000,
    inFlight: 0,
    completedRows: 0,
    completedBatches: 0,
    lastCompletion: started,
    polls: 0,
    latenciesMs: [],
    postMs: [],
  };
  const ticker = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `  ${seconds.toFixed(0).padStart(4)} s  ${progress.completedRows.toLocaleString("en-US").padStart(10)} rows  ${(progress.completedRows / seconds).toFixed(0)} rows/s`,
    );
  }, 10_000);
  // Settled, not Promise.all: a failing client must not leave the others running unobserved.
  const outcomes = await Promise.allSettled(
    Array.from({ length: CLIENTS }, (_, c) => runClient(url, key, bodies, c, progress)),
  );
  clearInterval(ticker);
  const failure = outcomes.find((o) => o.status === "rejected");
  if (failure) throw failure.reason;
  const wallSeconds = (progress.lastCompletion - started) / 1000;
  const cpuAfter = groupCpu(pgid);
  const machine = machineBusySeconds() - machineBefore;
  const bench = process.cpuUsage(benchBefore);
  const rowsPerSecond = progress.completedRows / wallSeconds;

  const { snapshot, reads } = await settledMeter(url, key);
  if (snapshot.isolate !== isolate)
    console.log(
      `warning: the meter answered from another isolate (${snapshot.isolate}, not ${isolate}): counts are partial`,
    );
  if (server.exitCode !== null) throw new Error(`wrangler dev stopped during the run:\n${tail(log)}`);

  const byName = cpuUsedByName(cpuBefore, cpuAfter);
  const workerd = byName.get("workerd") ?? null;
  const cores = (seconds: number) => (seconds / wallSeconds).toFixed(2);
  const pct = (values: number[], q: number) =>
    [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] / 1000;
  const meanLatency = progress.latenciesMs.reduce((a, b) => a + b, 0) / progress.latenciesMs.length / 1000;
  console.log(
    `\n${progress.completedRows.toLocaleString("en-US")} rows in ${progress.completedBatches} batches, ${wallSeconds.toFixed(1)} s: ${rowsPerSecond.toFixed(0)} rows/s; ${progress.polls} status polls`,
  );
  console.log(
    `batch POST-to-verified p50 ${pct(progress.latenciesMs, 0.5).toFixed(2)} s, p99 ${pct(progress.latenciesMs, 0.99).toFixed(2)} s (the POST alone p50 ${pct(progress.postMs, 0.5).toFixed(2)} s); ${CLIENTS} clients at that mean latency allow ${((CLIENTS * ROWS_PER_BATCH) / meanLatency).toFixed(0)} rows/s`,
  );
  const benchSeconds = (bench.user + bench.system) / 1e6;
  const ours = [...byName.values()].reduce((a, b) => a + b, 0) + benchSeconds;
  const others = [...byName].filter(([name]) => name !== "workerd").map(([name, s]) => `${name} ${cores(s)}`);
  console.log(
    `CPU in cores over the run: workerd ${workerd === null ? "absent" : cores(workerd)}; wrangler's other processes: ${others.join(", ") || "none"}; this bench (node) ${cores(benchSeconds)}; the whole machine ${cores(machine)} of ${availableParallelism()}, of which ${cores(Math.max(0, machine - ours))} by other processes`,
  );
  console.log(
    limitOf(workerd === null ? null : workerd / wallSeconds, benchSeconds / wallSeconds, machine / wallSeconds),
  );

  const lines = bill(snapshot, progress.completedRows, {
    workerdCpuSeconds: workerd,
    // The GET right after the reset (for the isolate) and the settling reads are the bench's own.
    meterReads: reads + 1,
    polls: progress.polls,
    retentionDays,
  });
  const total = printBill(lines);
  const written = Math.round((snapshot.d1.rowsWritten * 1e6) / progress.completedRows);
  if (snapshot.d1.withoutMeta > 0)
    console.log(`note: ${snapshot.d1.withoutMeta} D1 statements had no meta; their rows are not counted`);
  return `D1 rows written per 1M scored rows: ${written}; cost per 1M scored rows: $${total.toFixed(4)}; pipeline rows/s: ${Math.round(rowsPerSecond)}`;
}

/** What bounded the throughput, from how busy each side was. */
function limitOf(workerdCores: number | null, benchCores: number, machineCores: number): string {
  if (workerdCores === null) return "limit: unknown (no workerd process found)";
  if (machineCores >= availableParallelism() - 0.15) {
    return `limit: the machine: ${machineCores.toFixed(2)} of ${availableParallelism()} cores were busy (workerd ${workerdCores.toFixed(2)}, the bench ${benchCores.toFixed(2)})`;
  }
  if (workerdCores >= 0.85) {
    return `limit: workerd used ${workerdCores.toFixed(2)} of a core; one isolate runs on one thread, so the Worker (and the local simulators in the same process) is CPU-bound`;
  }
  if (benchCores >= 0.85) return `limit: the bench's own node used ${benchCores.toFixed(2)} of a core (client-bound)`;
  return `limit: neither workerd (${workerdCores.toFixed(2)} of a core) nor the bench (${benchCores.toFixed(2)}) is saturated: latency-bound, the pipeline waits (queue delivery, polling, I/O) more than it computes`;
}

let finalLine: string | null = null;
try {
  finalLine = await main();
} catch (error) {
  // After a signal the run fails as the server goes away; that is not worth a message.
  if (!interrupted) console.error(`bench:scale failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
if (finalLine !== null) console.log(finalLine);
