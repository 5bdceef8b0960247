// Retraining benchmark (issue 12): writes N × D synthetic rows as 50,000-row training shards into a
// temporary local R2 (the Worker's own shard store, through scripts/local-platform.ts), then in a
// fresh Node process capped at a 64 MB heap runs trainFromShards over them, sampling the heap
// between shards, and in another process with a large heap loads the same shards into one Dataset
// for the in-memory trainSvm, to compare the weights.
//
// The capped process cannot open wrangler's platform proxy itself (wrangler alone takes ~130 MB of
// heap), so this process holds the proxy and serves each shard's bytes over loopback HTTP; the
// child decodes them exactly as the R2 store does. Per-pass CPU is the child's (decode, transpose
// and the Newton sums), not workerd's serving of the object.
//
//   npm run bench:retrain [-- --rows 1000000 --features 20]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getHeapStatistics } from "node:v8";
import { generateClassification, trainSvm, type Dataset, type TrainOptions } from "../model/index.ts";
import { decodeRowFrame, encodeRowFrame, type RowFrame } from "../workers/codecs/row-frame.ts";
import type { ShardCounts, ShardPart, TrainingShardStore } from "../workers/adapters/shard-store.ts";
import { shardFromFrame, trainFromShards } from "../workers/services/stream-training.ts";

const SHARD_ROWS = 50_000;
const TENANT = "bench-tenant";
const SET = "bench-set";
const OPTIONS: TrainOptions = { C: 1 };
const HEAP_CAP_MB = 64;
const MB = 1024 * 1024;
const GOALS = { rows: 1_000_000, features: 20, heapMb: 64, maxDifference: 1e-6 };

const featureNames = (d: number) => Array.from({ length: d }, (_, j) => `f${j}`);

/** A training shard frame (column-major features, true labels) from row-major synthetic rows. */
function frameOf(data: Dataset, offset: number): RowFrame {
  const d = data.featureNames.length;
  const rows = data.y.length;
  const features = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) features[j * rows + i] = data.x[i * d + j];
  return { rows, offset, featureCount: d, features, ids: null, margins: null, labels: data.y, modelVersion: null };
}

/** GETs a URL into one buffer of the announced length (no second copy of a shard). */
function fetchBytes(url: string): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      if (response.statusCode === 404) return void response.resume().on("end", () => resolve(null));
      const body = new Uint8Array(Number(response.headers["content-length"]));
      let filled = 0;
      response.on("data", (chunk: Buffer) => body.set(chunk, (filled += chunk.length) - chunk.length));
      response.on("end", () => resolve(body));
      response.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

/** The read side of the shard store, served by the parent's real store over loopback. */
function servedShardStore(base: string): TrainingShardStore {
  const refuse = () => Promise.reject(new Error("the benchmark's children only read shards"));
  return {
    async getShard(_tenant, _set, part, index) {
      const bytes = await fetchBytes(`${base}/shards/${part}/${index}`);
      return bytes ? decodeRowFrame(bytes) : null;
    },
    async listShards() {
      const bytes = await fetchBytes(`${base}/counts`);
      return JSON.parse(new TextDecoder().decode(bytes ?? new Uint8Array())) as ShardCounts;
    },
    putShard: refuse,
    deleteSet: refuse,
  };
}

function serveShards(shards: TrainingShardStore): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const match = /^\/shards\/(train|holdout)\/(\d+)$/.exec(req.url ?? "");
    const reply = async () => {
      if (req.url === "/counts") return new TextEncoder().encode(JSON.stringify(await shards.listShards(TENANT, SET)));
      const frame = match ? await shards.getShard(TENANT, SET, match[1] as ShardPart, Number(match[2])) : null;
      return frame ? encodeRowFrame(frame) : null;
    };
    reply().then(
      (bytes) => (bytes ? res.writeHead(200, { "content-length": bytes.length }).end(bytes) : res.writeHead(404).end()),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    }),
  );
}

/** Child: the streamed retrain under the heap cap, reporting its peak heap and per-pass CPU. */
async function runStreamedChild(base: string, d: number): Promise<void> {
  let peakHeap = 0;
  let peakBuffers = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed, getHeapStatistics().used_heap_size);
    peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
  };
  const passCpuMs: number[] = [];
  let cpuMark = process.cpuUsage();
  sample();
  const started = performance.now();
  const result = await trainFromShards(servedShardStore(base), TENANT, SET, featureNames(d), OPTIONS, {
    onShard: sample,
    onPass: () => {
      sample();
      const used = process.cpuUsage(cpuMark);
      passCpuMs.push((used.user + used.system) / 1000);
      cpuMark = process.cpuUsage();
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const { model, iterations, converged, passes, shards, rows, passMs } = result;
  const w = [...model.weights, model.bias];
  const report = { w, iterations, converged, passes, shards, rows, passMs, passCpuMs, peakHeap, peakBuffers, seconds };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Child: every shard in one Dataset and the in-memory trainSvm, as a retrain works today. */
async function runInMemoryChild(base: string, d: number): Promise<void> {
  const store = servedShardStore(base);
  const { train } = await store.listShards(TENANT, SET);
  const parts = [];
  for (let k = 0; k < train; k++) {
    const frame = await store.getShard(TENANT, SET, "train", k);
    if (!frame) throw new Error(`train shard ${k} is missing`);
    parts.push(shardFromFrame(frame, d));
  }
  const rows = parts.reduce((n, part) => n + part.rows, 0);
  const x = new Float64Array(rows * d);
  const y = new Uint8Array(rows);
  let at = 0;
  for (const part of parts.splice(0)) {
    x.set(part.x, at * d);
    y.set(part.y, at);
    at += part.rows;
  }
  const started = performance.now();
  const { model, iterations } = trainSvm({ featureNames: featureNames(d), x, y }, OPTIONS);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ w: [...model.weights, model.bias], iterations, seconds })}\n`);
}

const children = new Set<ChildProcess>();

/** Runs this script as a child in its own process group, and parses the JSON line it prints last. */
function runChild<T>(role: string, heapMb: number, base: string, d: number): Promise<T> {
  const args = [`--max-old-space-size=${heapMb}`, process.argv[1], role, base, String(d)];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], detached: true });
  children.add(child);
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      children.delete(child);
      if (code !== 0) return reject(new Error(`the ${role} child ended with ${signal ?? `exit code ${code}`}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "null") as T);
    });
  });
}

/** Ends the children this script started (and the processes they started), by process group. */
function killChildren(): void {
  for (const child of children) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

type Streamed = {
  w: number[];
  iterations: number;
  converged: boolean;
  passes: number;
  shards: number;
  rows: number;
  passMs: number[];
  passCpuMs: number[];
  peakHeap: number;
  peakBuffers: number;
  seconds: number;
};
type InMemory = { w: number[]; iterations: number; seconds: number };

async function writeShards(shards: TrainingShardStore, rows: number, d: number): Promise<number> {
  // generateClassification shuffles and draws over the whole set, so each shard is generated on
  // its own with its own seed: never more than one shard's rows in memory. Each shard then has
  // its own cluster centres, a noisier set than one call would give; both solvers see the same rows.
  const informative = Math.min(10, d);
  const redundant = Math.min(5, d - informative);
  let count = 0;
  for (let offset = 0; offset < rows; offset += SHARD_ROWS, count++) {
    const size = Math.min(SHARD_ROWS, rows - offset);
    const data = generateClassification({
      ...{ rows: size, features: d, informative, redundant, flip: 0.01, classSep: 1 },
      seed: 7 + count,
    });
    await shards.putShard(TENANT, SET, "train", count, frameOf(data, offset));
  }
  return count;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: "string" }, features: { type: "string" } } });
  const rows = Number(values.rows ?? 1_000_000);
  const d = Number(values.features ?? 20);
  if (!Number.isInteger(rows) || rows < 2 || !Number.isInteger(d) || d < 2) {
    throw new RangeError("--rows and --features must be whole numbers ≥ 2");
  }
  // A state folder of its own, so the benchmark never touches the developer's .wrangler/state.
  const stateDir = mkdtempSync(join(tmpdir(), "bench-retrain-"));
  process.env.EDGE_SVM_STATE_DIR = stateDir;
  process.env.WRANGLER_SEND_METRICS ??= "false";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  const stop = () => {
    killChildren();
    rmSync(stateDir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", stop).once("SIGTERM", stop);
  let served: { server: Server; base: string } | null = null;
  try {
    // Imported only here: the children must not load wrangler.
    const { withLocalAdapters } = await import("./local-platform.ts");
    await withLocalAdapters(async ({ shards }) => {
      let started = performance.now();
      const count = await writeShards(shards, rows, d);
      console.log(`wrote ${rows} rows x ${d} features as ${count} shards in ${seconds(started)} s`);
      served = await serveShards(shards);
      started = performance.now();
      const streamed = await runChild<Streamed>("--child-streamed", HEAP_CAP_MB, served.base, d);
      console.log(
        `streamed (--max-old-space-size=${HEAP_CAP_MB}): ${streamed.passes} passes over ${streamed.shards} shards, ` +
          `${streamed.iterations} Newton steps, converged ${streamed.converged}, ${streamed.seconds.toFixed(1)} s of training`,
      );
      console.log(`  peak typed-array memory outside the V8 heap: ${(streamed.peakBuffers / MB).toFixed(1)} MB`);
      const inMemory = await runChild<InMemory>("--child-in-memory", 8192, served.base, d);
      console.log(`in memory: trainSvm took ${inMemory.iterations} Newton steps, ${inMemory.seconds.toFixed(1)} s`);
      report(rows, d, streamed, inMemory);
    });
  } finally {
    killChildren();
    await new Promise((resolve) => (served ? served.server.close(resolve) : resolve(null)));
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

function report(rows: number, d: number, streamed: Streamed, inMemory: InMemory): void {
  const difference = Math.max(...streamed.w.map((value, j) => Math.abs(value - inMemory.w[j])));
  const heapMb = streamed.peakHeap / MB;
  const worst = streamed.passCpuMs.indexOf(Math.max(...streamed.passCpuMs));
  console.log(
    `largest per-pass CPU: ${(streamed.passCpuMs[worst] / 1000).toFixed(2)} s (pass ${worst} of ${streamed.passes}, ` +
      `wall ${(streamed.passMs[worst] / 1000).toFixed(2)} s)`,
  );
  const misses = [
    rows < GOALS.rows && `N < ${GOALS.rows}`,
    d < GOALS.features && `D < ${GOALS.features}`,
    !(heapMb <= GOALS.heapMb) && `M > ${GOALS.heapMb} MB`,
    !(difference <= GOALS.maxDifference) && `E > ${GOALS.maxDifference}`,
  ].filter(Boolean);
  const goals = `N ≥ ${GOALS.rows}, D ≥ ${GOALS.features}, M ≤ ${GOALS.heapMb} MB, E ≤ ${GOALS.maxDifference}`;
  console.log(misses.length === 0 ? `goals (${goals}): met` : `goals (${goals}): NOT met (${misses.join(", ")})`);
  console.log(
    `retrain ${rows} rows x ${d} features: peak heap ${heapMb.toFixed(1)} MB; ` +
      `max |w - w_in_memory| ${difference.toExponential(2)}; ${streamed.seconds.toFixed(1)} s`,
  );
}

const [role, base, width] = process.argv.slice(2);
if (role === "--child-streamed") await runStreamedChild(base, Number(width));
else if (role === "--child-in-memory") await runInMemoryChild(base, Number(width));
else await main();
