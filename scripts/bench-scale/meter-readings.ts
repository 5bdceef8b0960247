// The Worker's meter as the bench reads it: GET /v1/_meter for a snapshot, DELETE to reset it,
// and reads repeated until the work left behind by the run has settled.
import type { MeterSnapshot } from "../../workers/adapters/meter/index.ts";
import { sleep } from "./server.ts";

/** The snapshot of GET /v1/_meter: the Worker's own type (a type-only import, no Worker code runs here). */
export type Meter = MeterSnapshot;

export async function meter(url: string, key: string, method: "GET" | "DELETE"): Promise<Meter | null> {
  const response = await fetch(`${url}/v1/_meter`, { method, headers: { authorization: `Bearer ${key}` } });
  if (!response.ok) throw new Error(`${method} /v1/_meter answered ${response.status}: ${await response.text()}`);
  return method === "GET" ? ((await response.json()) as Meter) : null;
}

/** Reads the meter until the work left behind (waitUntil, grouped queues) has settled. */
export async function settledMeter(url: string, key: string): Promise<{ snapshot: Meter; reads: number }> {
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
