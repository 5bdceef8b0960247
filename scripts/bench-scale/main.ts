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
// This module composes the run; the prices and their sources are in prices.ts, the server in
// server.ts, the clients in clients.ts and the bill in report.ts.
import { unstable_readConfig } from "wrangler";
import { awaitComplete, runClient, submit, type Progress } from "./clients.ts";
import { cpuUsedByName, groupCpu, machineBusySeconds } from "./cpu.ts";
import { meter, settledMeter, type Meter } from "./meter-readings.ts";
import { createAdminKey, makeBodies, publishBenchModel } from "./model-and-bodies.ts";
import { bill, formatFinalLine, printBill } from "./report.ts";
import { startServer, state, stopAll, tail, wasInterrupted } from "./server.ts";
import { CLIENTS, DRAIN_SECONDS, FEATURES, MAX_SECONDS, ROWS_PER_BATCH } from "./settings.ts";
import { printThroughput } from "./throughput.ts";

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
  const benchSeconds = (bench.user + bench.system) / 1e6;
  printThroughput(progress, wallSeconds, { byName, benchSeconds, machineSeconds: machine });

  const lines = bill(snapshot, progress.completedRows, {
    workerdCpuSeconds: byName.get("workerd") ?? null,
    // The GET right after the reset (for the isolate) and the settling reads are the bench's own.
    meterReads: reads + 1,
    polls: progress.polls,
    retentionDays,
  });
  const total = printBill(lines);
  if (snapshot.d1.withoutMeta > 0)
    console.log(`note: ${snapshot.d1.withoutMeta} D1 statements had no meta; their rows are not counted`);
  return formatFinalLine(snapshot, progress.completedRows, total, rowsPerSecond);
}

let finalLine: string | null = null;
try {
  finalLine = await main();
} catch (error) {
  // After a signal the run fails as the server goes away; that is not worth a message.
  if (!wasInterrupted()) console.error(`bench:scale failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
if (finalLine !== null) console.log(finalLine);
