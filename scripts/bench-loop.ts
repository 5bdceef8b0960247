// One real learning-loop run against the server of `npm start` (loopback only): submit a
// batch, send the true labels as feedback, fire the cron trigger, and time how long it takes
// from the last feedback to the new model serving /v1/predict.
import { existsSync, readFileSync } from "node:fs";
import { gzipSync, strToU8 } from "fflate";
import { generateDemoData } from "../model/index.ts";
import { RATE_LIMITS, type RateLimitClass } from "../workers/contract/limits.ts";

const URL_BASE = process.env.EDGE_SVM_URL ?? "http://127.0.0.1:8787";
const KEY_FILE = ".wrangler/state/dev-admin-key";
if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(URL_BASE)) throw new Error("loopback only");
const key = process.env.EDGE_SVM_KEY ?? (existsSync(KEY_FILE) ? readFileSync(KEY_FILE, "utf8").trim() : "");
if (!key) {
  console.error(`No key in ${KEY_FILE}: run "npm start" in another terminal first.`);
  process.exit(1);
}
const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
const deadline = Date.now() + 60_000;
const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const response = await fetch(`${URL_BASE}${path}`, { ...init, headers: { ...headers, ...init.headers } });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Polls are paced a quarter under the key's rate limit for their class (`npm start` enforces
// them), so the loop is never answered 429: tens of ms, against a loop of seconds.
const pace = (scope: RateLimitClass) => sleep((1250 * RATE_LIMITS[scope].periodSeconds) / RATE_LIMITS[scope].limit);

const data = generateDemoData({ rows: 300, seed: Date.now() % 100_000 });
const d = data.featureNames.length;
const features = Array.from({ length: data.y.length }, (_, i) => Array.from(data.x.subarray(i * d, i * d + d)));
const served = async () =>
  (
    await call<{ predictions: { modelVersion: string }[] }>("/v1/predict", {
      method: "POST",
      body: JSON.stringify({ features: [features[0]] }),
    })
  ).predictions[0].modelVersion;

const before = await served();
const { batchId } = await call<{ batchId: string }>("/v1/batches", {
  method: "POST",
  headers: { "content-encoding": "gzip" },
  body: gzipSync(strToU8(JSON.stringify({ features }))),
});
while ((await call<{ status: string }>(`/v1/batches/${batchId}`)).status !== "complete") {
  if (Date.now() > deadline) throw new Error("batch did not complete");
  await pace("read");
}
const labels = Array.from(data.y);
await call(`/v1/batches/${batchId}/feedback`, {
  method: "POST",
  body: JSON.stringify({ rows: labels.map((_, i) => i), labels }),
});
const lastFeedback = performance.now();
// Let the feedback queue land the labels in D1, as the cron job would find them.
for (;;) {
  const metrics = await call<{ liveAccuracy: { labelled: number }[] }>("/v1/metrics");
  if (metrics.liveAccuracy.reduce((n, m) => n + m.labelled, 0) >= labels.length) break;
  if (Date.now() > deadline) throw new Error("feedback did not land");
  await pace("read");
}
const landed = performance.now();
const cron = await fetch(`${URL_BASE}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
const cronDone = performance.now();
let after = before;
while (after === before && Date.now() < deadline) {
  after = await served();
  if (after === before) await pace("ingest");
}
const serving = performance.now();

const { runs } = await call<{
  runs: {
    status: string;
    reason: string;
    challengerVersion: string;
    details: Record<string, unknown> & { gate: Record<string, unknown> };
  }[];
}>("/v1/metrics");
const run = runs[0];
const pct = (x: unknown) => (typeof x === "number" ? `${(100 * x).toFixed(2)}%` : "n/a");
console.log(`Learning loop against ${URL_BASE}`);
console.log(
  `  batch ${batchId}: ${features.length} rows scored by ${before}; ${labels.length} labels sent as feedback`,
);
console.log(`  cron trigger answered ${cron.status}; run ${run.status}: ${run.reason}`);
console.log(
  `  training rows: ${run.details.trainRows} (base ${run.details.baseRows}, feedback ${run.details.feedbackRows}, relabelled ${run.details.relabelled}), holdout ${run.details.gate.holdoutRows} (${run.details.gate.holdoutBaseRows} from the base)`,
);
console.log(
  `  holdout accuracy: champion ${before} ${pct(run.details.gate.championAccuracy)} (base rows ${pct(run.details.gate.championBaseAccuracy)}), challenger ${run.challengerVersion} ${pct(run.details.gate.challengerAccuracy)} (base rows ${pct(run.details.gate.challengerBaseAccuracy)})`,
);
console.log(`  retraining took ${run.details.durationMs} ms inside the Worker`);
console.log(
  `  last feedback -> labels in D1 ${(landed - lastFeedback).toFixed(0)} ms -> cron done ${(cronDone - lastFeedback).toFixed(0)} ms -> ${after} serving ${(serving - lastFeedback).toFixed(0)} ms`,
);
if (after === before)
  console.log(
    `  (no new model serves: the gate ${run.status === "promoted" ? "promoted, but serving lagged" : "kept the champion"})`,
  );
