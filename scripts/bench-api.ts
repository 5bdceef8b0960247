// API benchmark against the server of `npm start` (loopback only, bounded in count and time).
// Prints ingest latency, POST-to-complete latency, /v1/predict latency with its rows recorded
// and with "log": false (interleaved, so the ratio compares like with like) and bytes on the wire,
// each next to a reference measured in the same run (a GET /v1/health round trip, the floor
// of the HTTP stack here, and the 2021 payload style of JSON objects with named fields).
import { existsSync, readFileSync } from "node:fs";
import { gzipSync, strToU8 } from "fflate";
import { generateDemoData } from "../model/index.ts";

const URL_BASE = process.env.EDGE_SVM_URL ?? "http://127.0.0.1:8787";
const KEY_FILE = ".wrangler/state/dev-admin-key";
const DEADLINE = Date.now() + 5 * 60 * 1000;

if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(URL_BASE)) {
  throw new Error(`bench:api only targets loopback, not ${URL_BASE}`);
}
const key = process.env.EDGE_SVM_KEY ?? (existsSync(KEY_FILE) ? readFileSync(KEY_FILE, "utf8").trim() : "");
if (
  !key ||
  !(await fetch(`${URL_BASE}/v1/health`).then(
    (r) => r.ok,
    () => false,
  ))
) {
  console.error(`No server at ${URL_BASE} (or no key in ${KEY_FILE}): run "npm start" in another terminal first.`);
  process.exit(1);
}
const auth = { authorization: `Bearer ${key}` };

const data = generateDemoData({ rows: 1000, seed: 4242 });
const d = data.featureNames.length;
const rows = Array.from({ length: 1000 }, (_, i) => Array.from(data.x.subarray(i * d, i * d + d)));
const gzBody = gzipSync(strToU8(JSON.stringify({ features: rows })));

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
const line = (label: string, values: number[], reference?: number) =>
  console.log(
    `${label.padEnd(40)} p50 ${fmt(percentile(values, 0.5))}  p99 ${fmt(percentile(values, 0.99))}` +
      (reference ? `  (${(percentile(values, 0.5) / reference).toFixed(1)}x the health round trip)` : ""),
  );

async function time<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await work();
  return [performance.now() - started, value];
}

async function postBatch(): Promise<string> {
  const response = await fetch(`${URL_BASE}/v1/batches`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json", "content-encoding": "gzip" },
    body: gzBody,
  });
  if (response.status !== 202)
    throw new Error(`POST /v1/batches answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { batchId: string }).batchId;
}

async function waitComplete(batchId: string): Promise<void> {
  for (;;) {
    const response = await fetch(`${URL_BASE}/v1/batches/${batchId}`, { headers: auth });
    const body = (await response.json()) as { status: string };
    if (body.status === "complete") return;
    if (body.status === "failed" || Date.now() > DEADLINE) throw new Error(`batch ${batchId} is ${body.status}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

// Warm up the isolate, the model cache and the key cache.
for (let i = 0; i < 5; i++) await waitComplete(await postBatch());

const health: number[] = [];
for (let i = 0; i < 200; i++) health.push((await time(() => fetch(`${URL_BASE}/v1/health`).then((r) => r.text())))[0]);
const floor = percentile(health, 0.5);

const ingest: number[] = [];
const endToEnd: number[] = [];
for (let i = 0; i < 100 && Date.now() < DEADLINE; i++) {
  const started = performance.now();
  const [ms, batchId] = await time(postBatch);
  ingest.push(ms);
  await waitComplete(batchId);
  endToEnd.push(performance.now() - started);
}

/** p50 and p99 of /v1/predict, with logging on and off interleaved request by request. */
async function predictTimes(n: number): Promise<{ logged: number[]; unlogged: number[] }> {
  const bodies = [true, false].map((log) => JSON.stringify({ features: rows.slice(0, n), log }));
  const logged: number[] = [];
  const unlogged: number[] = [];
  for (let i = 0; i < 400 && Date.now() < DEADLINE; i++) {
    const log = i % 2 === 0;
    const [ms] = await time(() =>
      fetch(`${URL_BASE}/v1/predict`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: bodies[log ? 0 : 1],
      }).then((r) => r.text()),
    );
    (log ? logged : unlogged).push(ms);
  }
  return { logged, unlogged };
}
const predict1 = await predictTimes(1);
const predict100 = await predictTimes(100);

console.log(`API benchmark against ${URL_BASE} (wrangler dev, local workerd; loopback)\n`);
line("GET /v1/health (reference)", health);
line("POST /v1/batches, 1,000-row gzip", ingest, floor);
line("POST to complete (queue, score, D1, KV)", endToEnd, floor);
for (const [label, times] of [
  ["1 row", predict1],
  ["100 rows", predict100],
] as const) {
  line(`POST /v1/predict, ${label}, logged`, times.logged, floor);
  line(`POST /v1/predict, ${label}, "log": false`, times.unlogged, floor);
  const ratio = percentile(times.logged, 0.5) / percentile(times.unlogged, 0.5);
  console.log(`  logging costs ${ratio.toFixed(2)}x at p50 (goal <= 1.10x; same run, interleaved)`);
}
console.log(`  targets: POST-to-complete p50 <= 100 ms, p99 <= 1000 ms`);

const round4 = rows.map((row) => row.map((v) => Math.round(v * 1e4) / 1e4));
const named = (r: number[][]) =>
  JSON.stringify(r.map((row) => Object.fromEntries(data.featureNames.map((name, j) => [name, row[j]]))));
console.log(`\nBytes on the wire per row (1,000 rows x ${d} features)`);
for (const [label, values] of [
  ["as generated (full precision)", rows],
  ["rounded to 4 decimals", round4],
] as const) {
  const objects = named(values).length / 1000;
  const arrays = gzipSync(strToU8(JSON.stringify({ features: values }))).length / 1000;
  console.log(
    `  ${label.padEnd(30)} JSON objects with names ${objects.toFixed(1)} B, gzip arrays ${arrays.toFixed(1)} B: ${(100 * (1 - arrays / objects)).toFixed(0)}% less`,
  );
}
