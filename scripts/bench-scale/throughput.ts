// How fast the run went and what bounded it: rows/s, batch latencies, the CPU each side used
// (in cores over the run) and, from how busy each side was, the limit.
import { availableParallelism } from "node:os";
import type { Progress } from "./clients.ts";
import { CLIENTS, ROWS_PER_BATCH } from "./settings.ts";

export function printThroughput(
  progress: Progress,
  wallSeconds: number,
  cpu: { byName: Map<string, number>; benchSeconds: number; machineSeconds: number },
): void {
  const { byName, benchSeconds, machineSeconds: machine } = cpu;
  const rowsPerSecond = progress.completedRows / wallSeconds;
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
  const ours = [...byName.values()].reduce((a, b) => a + b, 0) + benchSeconds;
  const others = [...byName].filter(([name]) => name !== "workerd").map(([name, s]) => `${name} ${cores(s)}`);
  console.log(
    `CPU in cores over the run: workerd ${workerd === null ? "absent" : cores(workerd)}; wrangler's other processes: ${others.join(", ") || "none"}; this bench (node) ${cores(benchSeconds)}; the whole machine ${cores(machine)} of ${availableParallelism()}, of which ${cores(Math.max(0, machine - ours))} by other processes`,
  );
  console.log(
    limitOf(workerd === null ? null : workerd / wallSeconds, benchSeconds / wallSeconds, machine / wallSeconds),
  );
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
