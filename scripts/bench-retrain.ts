// Retraining benchmark (issue 12): writes N × D synthetic rows as a tenant's base dataset — 50,000-row
// shards in a temporary local R2, through the Worker's own shard store (scripts/local-platform.ts) —
// then, in a fresh Node process capped at a 64 MB heap, runs the retrain exactly as the Workflow
// does (services/retrain/run-retrain.ts: compaction into hash partitions, the moments pass and
// the Newton passes in slices of ≤ 200,000 rows, evaluation, registration), sampling the heap at
// every shard read and write and timing each step's CPU. Another process with a large heap loads
// the same training rows (the base rows outside the hash holdout) for the in-memory trainSvm, to
// compare the weights.
//
// The capped process cannot open wrangler's platform proxy itself (wrangler alone takes ~130 MB of
// heap), so this process holds the proxy and serves the shard store over loopback HTTP; the child
// encodes and decodes each shard exactly as the R2 store does. Its D1-side stores (registry, runs,
// leases) are the in-memory twins: a handful of rows. Step CPU is the child's, not workerd's
// serving of the objects.
//
//   npm run bench:retrain [-- --rows 1000000 --features 20]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getHeapStatistics } from "node:v8";
import { generateClassification, isHoldout, rowKey, trainSvm, type Dataset } from "../model/index.ts";
import { rowOf, type RowFrame } from "../workers/codecs/row-frame.ts";
import type { TrainingShardStore } from "../workers/adapters/shard-store.ts";
import { servedShardStore, serveShards } from "./bench-retrain/shard-server.ts";
import { createMemoryAdapters } from "../workers/adapters/memory/index.ts";
import type { DatasetStore } from "../workers/adapters/dataset-store.ts";
import { retrainModel } from "../workers/services/retrain-model.ts";
import { BASE_SET, SHARD_ROWS, type BaseInfo } from "../workers/services/retrain/labelled-frames.ts";
import type { StepTiming } from "../workers/services/retrain/run-retrain.ts";

const TENANT = "bench-tenant";
const BASE_TAG = "bench";
const HEAP_CAP_MB = 64;
const MB = 1024 * 1024;
const GOALS = { rows: 1_000_000, features: 20, heapMb: 64, maxDifference: 1e-6, stepCpuS: 30 };
/** The promotion settings of wrangler.toml; the retrain's pieces keep their production sizes. */
const CONFIG = { RETRAIN_MIN_FEEDBACK: "0", PROMOTION_MAX_DROP: "0.005", PROMOTION_FLOOR: "0.5" };

const featureNames = (d: number) => Array.from({ length: d }, (_, j) => `f${j}`);

/** A labelled frame (column-major features, true labels) from row-major synthetic rows. */
function frameOf(data: Dataset): RowFrame {
  const d = data.featureNames.length;
  const rows = data.y.length;
  const features = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) features[j * rows + i] = data.x[i * d + j];
  return { rows, offset: 0, featureCount: d, features, ids: null, margins: null, labels: data.y, modelVersion: null };
}

/** Child: the Workflow's retrain, its steps back to back, under the heap cap. */
async function runStreamedChild(base: string): Promise<void> {
  let peakHeap = 0;
  let peakBuffers = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed, getHeapStatistics().used_heap_size);
    peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
  };
  const memory = createMemoryAdapters();
  // The base dataset is the shards the parent wrote; its tag says they are current.
  const datasets: DatasetStore = {
    readBase: async () => null,
    writeBase: async () => undefined,
    baseTag: async () => BASE_TAG,
  };
  const adapters = { ...memory, datasets, shards: servedShardStore(base, sample) };
  const cpuMs = () => {
    sample();
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
  sample();
  const started = performance.now();
  const outcome = await retrainModel(adapters, CONFIG, { tenantId: TENANT, trigger: "api", force: true }, { cpuMs });
  const seconds = (performance.now() - started) / 1000;
  if (!outcome.challengerVersion) throw new Error(`the retrain did not train: ${outcome.status} ${outcome.reason}`);
  const record = await memory.models.findModel(TENANT, outcome.challengerVersion);
  const artifact = JSON.parse((record && (await memory.models.readArtifact(record))) ?? "null") as {
    weights: number[];
    bias: number;
  };
  const report = { w: [...artifact.weights, artifact.bias], outcome, peakHeap, peakBuffers, seconds };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Child: the same training rows (base rows outside the hash holdout) in one Dataset, for trainSvm. */
async function runInMemoryChild(base: string, d: number): Promise<void> {
  const store = servedShardStore(base, () => undefined);
  const info = (await store.getSetInfo(TENANT, BASE_SET)) as BaseInfo;
  const x = new Float64Array(info.rows * d);
  const y = new Uint8Array(info.rows);
  let rows = 0;
  for (let k = 0; k < info.shards; k++) {
    const frame = await store.getShard(TENANT, BASE_SET, "base", k);
    if (!frame?.labels) throw new Error(`base shard ${k} is missing`);
    for (let i = 0; i < frame.rows; i++) {
      const features = rowOf(frame, i);
      if (isHoldout(rowKey(features))) continue;
      x.set(features, rows * d);
      y[rows++] = frame.labels[i];
    }
  }
  const started = performance.now();
  const data = { featureNames: featureNames(d), x: x.subarray(0, rows * d), y: y.subarray(0, rows) };
  const { model, iterations } = trainSvm(data, {});
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ w: [...model.weights, model.bias], iterations, rows, seconds })}\n`);
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
  outcome: { status: string; details: Record<string, unknown> };
  peakHeap: number;
  peakBuffers: number;
  seconds: number;
};
type InMemory = { w: number[]; iterations: number; rows: number; seconds: number };

/** Writes the base dataset as shards and its info, as ensureBaseShards would from a CSV. */
async function writeBase(shards: TrainingShardStore, rows: number, d: number): Promise<number> {
  // generateClassification shuffles and draws over the whole set, so each shard is generated on
  // its own with its own seed: never more than one shard's rows in memory. Each shard then has
  // its own cluster centres, a noisier set than one call would give; both solvers see the same rows.
  const informative = Math.min(10, d);
  const redundant = Math.min(5, d - informative);
  let count = 0;
  await shards.deleteSet(TENANT, BASE_SET);
  for (let offset = 0; offset < rows; offset += SHARD_ROWS, count++) {
    const size = Math.min(SHARD_ROWS, rows - offset);
    const data = generateClassification({
      ...{ rows: size, features: d, informative, redundant, flip: 0.01, classSep: 1 },
      seed: 7 + count,
    });
    await shards.putShard(TENANT, BASE_SET, "base", count, frameOf(data));
  }
  const info: BaseInfo = { tag: BASE_TAG, featureNames: featureNames(d), rows, shards: count };
  await shards.putSetInfo(TENANT, BASE_SET, info);
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
      const count = await writeBase(shards, rows, d);
      console.log(`wrote ${rows} rows x ${d} features as ${count} base shards in ${seconds(started)} s`);
      served = await serveShards(shards);
      started = performance.now();
      const streamed = await runChild<Streamed>("--child-streamed", HEAP_CAP_MB, served.base, d);
      const details = streamed.outcome.details as {
        passes: number;
        shards: number;
        iterations: number;
        converged: boolean;
        steps: number;
        trainRows: number;
      };
      console.log(
        `retrain run (--max-old-space-size=${HEAP_CAP_MB}), ${streamed.outcome.status}: ${details.steps} steps; ` +
          `${details.trainRows} train rows in ${details.shards} shards; ${details.passes} passes, ` +
          `${details.iterations} Newton steps, converged ${details.converged}; ${streamed.seconds.toFixed(1)} s`,
      );
      console.log(`  peak typed-array memory outside the V8 heap: ${(streamed.peakBuffers / MB).toFixed(1)} MB`);
      const inMemory = await runChild<InMemory>("--child-in-memory", 8192, served.base, d);
      console.log(
        `in memory: trainSvm on the same ${inMemory.rows} rows took ${inMemory.iterations} Newton steps, ${inMemory.seconds.toFixed(1)} s`,
      );
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
  const steps = streamed.outcome.details.stepTimes as StepTiming[];
  const worst = steps.reduce((a, b) => ((b.cpuMs ?? 0) > (a.cpuMs ?? 0) ? b : a));
  const worstCpuS = (worst.cpuMs ?? 0) / 1000;
  console.log(
    `largest per-step CPU: ${worstCpuS.toFixed(2)} s ("${worst.name}", wall ${(worst.ms / 1000).toFixed(2)} s)`,
  );
  const misses = [
    rows < GOALS.rows && `N < ${GOALS.rows}`,
    d < GOALS.features && `D < ${GOALS.features}`,
    !(heapMb <= GOALS.heapMb) && `M > ${GOALS.heapMb} MB`,
    !(difference <= GOALS.maxDifference) && `E > ${GOALS.maxDifference}`,
    !(worstCpuS <= GOALS.stepCpuS) && `step CPU > ${GOALS.stepCpuS} s`,
  ].filter(Boolean);
  const goals = `N ≥ ${GOALS.rows}, D ≥ ${GOALS.features}, M ≤ ${GOALS.heapMb} MB, E ≤ ${GOALS.maxDifference}, step CPU ≤ ${GOALS.stepCpuS} s`;
  console.log(misses.length === 0 ? `goals (${goals}): met` : `goals (${goals}): NOT met (${misses.join(", ")})`);
  console.log(
    `retrain ${rows} rows x ${d} features: peak heap ${heapMb.toFixed(1)} MB; ` +
      `max |w - w_in_memory| ${difference.toExponential(2)}; ${streamed.seconds.toFixed(1)} s`,
  );
}

const [role, base, width] = process.argv.slice(2);
if (role === "--child-streamed") await runStreamedChild(base);
else if (role === "--child-in-memory") await runInMemoryChild(base, Number(width));
else await main();
