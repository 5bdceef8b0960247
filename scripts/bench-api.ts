// `npm run bench:api`: the goals of issue 13, every figure measured in this one run on this
// machine. It needs nothing running: like bench:scale it starts its own wrangler dev (free
// ports, fresh state in a temporary folder, never .wrangler/state; every process group stopped
// at the end or on SIGINT/SIGTERM), with --var BENCH:on for the bench-only accept route. It makes
// a tenant with an admin key on that state before the server starts, trains a 30-feature linear
// SVM here with model/ and publishes it as the tenant's champion, warms up, then measures:
//   (a) accept CPU inside workerd for 10,000 × 30 rows: the JSON path against DecompressionStream
//       + JSON.parse of the same gzip body, and the Arrow path against the JSON path (accept.ts);
//   (b) POST → complete for 1,000 × 30 gzip batches, JSON and Arrow alternating, with the phases
//       of each, and /v1/predict (1 row) against GET /v1/health, interleaved (latency.ts);
//   (c) bytes per row of the same 1,000 × 30 rows in five encodings (wire.ts);
// and ends with one block of the goals, met or NOT met (report.ts). It only talks to loopback.
import { callAccept, measureAccept } from "./bench-api/accept.ts";
import {
  ACCEPT_ROWS,
  BATCH_ROWS,
  FEATURES,
  batchBodies,
  featureNames,
  sentRows,
  trainingSet,
} from "./bench-api/bodies.ts";
import { timeBatches, timePredict } from "./bench-api/latency.ts";
import { printAccept, printGoals, printLatency, printWire } from "./bench-api/report.ts";
import { wireBytes } from "./bench-api/wire.ts";
import { createAdminKey, publishTrained } from "./bench-scale/model-and-bodies.ts";
import { startServer, state, stopAll, tail, wasInterrupted } from "./bench-scale/server.ts";

const started = performance.now();
const DEADLINE = Date.now() + 5 * 60 * 1000;
/** Accept CPU: calls × rounds, each round every section REPS times (services/bench-accept.ts). */
const ACCEPT_CALLS = 8;
const ACCEPT_ROUNDS = 5;
/** POST → complete batches of each kind, and turns of health / predict / predict unlogged. */
const BATCHES_PER_KIND = 100;
const PREDICT_TURNS = 200;
const shape = `${BATCH_ROWS.toLocaleString("en-US")} × ${FEATURES}`;

async function main(): Promise<void> {
  if (process.env.EDGE_SVM_URL) console.log("note: EDGE_SVM_URL is ignored: bench:api starts its own Worker");
  const { tenant, key } = await createAdminKey("bench:api");
  const { url, server, log } = await startServer(["BENCH:on"]);
  console.log(`bench:api: wrangler dev at ${url} (local workerd, fresh state ${state}), tenant ${tenant}`);
  const model = await publishTrained(url, key, trainingSet());
  console.log(`model ${model.version}: ${featureNames.length} features, 5-fold accuracy ${model.accuracy.toFixed(3)}`);

  const acceptRows = sentRows(0, ACCEPT_ROWS);
  const acceptBodies = batchBodies(acceptRows);
  const batches = Array.from({ length: ACCEPT_ROWS / BATCH_ROWS }, (_, k) =>
    batchBodies(sentRows(k * BATCH_ROWS, BATCH_ROWS)),
  );
  // Warm-up: the isolate, the key and model caches, and each path's code.
  await callAccept(url, key, acceptBodies, 1);
  await timeBatches(url, key, batches, BATCH_ROWS, 5, DEADLINE);
  await timePredict(url, key, acceptRows[0], 20);

  const accept = await measureAccept(url, key, acceptBodies, ACCEPT_CALLS, ACCEPT_ROUNDS);
  const timings = await timeBatches(url, key, batches, BATCH_ROWS, BATCHES_PER_KIND, DEADLINE);
  const predict = await timePredict(url, key, acceptRows[0], PREDICT_TURNS);
  if (server.exitCode !== null) throw new Error(`wrangler dev stopped during the run:\n${tail(log)}`);

  const goals = [
    ...printAccept(accept, { json: acceptBodies.json.byteLength, arrow: acceptBodies.arrow.byteLength }, FEATURES),
    ...printLatency(timings, predict, shape),
    ...printWire(wireBytes(acceptRows.slice(0, BATCH_ROWS), sentRows(0, BATCH_ROWS, true)), shape),
  ];
  printGoals(goals);
}

try {
  await main();
} catch (error) {
  // After a signal the run fails as the server goes away; that is not worth a message.
  if (!wasInterrupted()) console.error(`bench:api failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
console.log(`\nbench:api took ${((performance.now() - started) / 1000).toFixed(0)} s (wall, server start included)`);
