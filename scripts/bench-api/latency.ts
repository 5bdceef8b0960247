// Goal (b), latency through the local Worker. POST → complete: a 1,000-row gzip batch posted,
// then GET /v1/batches/:id every POLL_MS until complete; JSON and Arrow batches alternate, so
// both see the same machine. Each batch also records a timeline from the POST's start, from the
// client's clock and the batch's own createdAt/completedAt (same machine, same clock): when the
// 202's headers and its body arrived, when the Worker recorded the batch and marked it complete.
// /v1/predict with one row and GET /v1/health alternate request by request, with "log": false
// as a third request in each turn, for reference.
import { sleep } from "../bench-scale/server.ts";
import type { BatchBodies } from "./bodies.ts";

const POLL_MS = 2;

export type Kind = keyof BatchBodies;
const TYPES: Record<Kind, string> = { json: "application/json", arrow: "application/vnd.apache.arrow.stream" };

export interface BatchTiming {
  kind: Kind;
  totalMs: number;
  /** Milliseconds from the POST's start: the 202's headers, its body, createdAt, completedAt. */
  headersMs: number;
  acceptedMs: number;
  createdMs: number;
  completedMs: number;
  polls: number;
}

interface BatchAnswer {
  status: string;
  createdAt: string;
  completedAt: string | null;
  predictions?: unknown[];
  error?: unknown;
}

/** One batch, posted and polled to completion; every row must come back. */
export async function timeBatch(
  url: string,
  key: string,
  kind: Kind,
  body: Uint8Array,
  rows: number,
  deadline: number,
): Promise<BatchTiming> {
  const started = Date.now();
  const t0 = performance.now();
  const response = await fetch(`${url}/v1/batches`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": TYPES[kind], "content-encoding": "gzip" },
    body,
  });
  const headersMs = performance.now() - t0;
  if (response.status !== 202)
    throw new Error(`POST /v1/batches (${kind}) answered ${response.status}: ${await response.text()}`);
  const { batchId } = (await response.json()) as { batchId: string };
  const acceptedMs = performance.now() - t0;
  for (let polls = 1; ; polls++) {
    const poll = await fetch(`${url}/v1/batches/${batchId}`, { headers: { authorization: `Bearer ${key}` } });
    const answer = (await poll.json()) as BatchAnswer;
    if (answer.status === "complete") {
      const totalMs = performance.now() - t0;
      if (answer.predictions?.length !== rows)
        throw new Error(`batch ${batchId}: ${answer.predictions?.length} predictions for ${rows} rows`);
      const since = (iso: string | null) => Date.parse(iso ?? "") - started;
      return {
        kind,
        totalMs,
        headersMs,
        acceptedMs,
        createdMs: since(answer.createdAt),
        completedMs: since(answer.completedAt),
        polls,
      };
    }
    if (answer.status === "failed") throw new Error(`batch ${batchId} failed: ${JSON.stringify(answer.error)}`);
    if (Date.now() > deadline) throw new Error(`batch ${batchId} is still ${answer.status} at the deadline`);
    await sleep(POLL_MS);
  }
}

/** `perKind` batches of each kind, alternating kinds, cycling through the bodies. */
export async function timeBatches(
  url: string,
  key: string,
  bodies: BatchBodies[],
  rows: number,
  perKind: number,
  deadline: number,
): Promise<BatchTiming[]> {
  const timings: BatchTiming[] = [];
  for (let i = 0; i < 2 * perKind; i++) {
    const kind: Kind = i % 2 === 0 ? "json" : "arrow";
    const body = bodies[Math.floor(i / 2) % bodies.length][kind];
    timings.push(await timeBatch(url, key, kind, body, rows, deadline));
  }
  return timings;
}

export interface PredictTimes {
  health: number[];
  predict: number[];
  unlogged: number[];
}

async function timeRequest(url: string, init?: RequestInit): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${url} answered ${response.status}`);
  return performance.now() - started;
}

/** `turns` turns of health, predict (1 row) and predict with "log": false, the order rotating. */
export async function timePredict(url: string, key: string, row: number[], turns: number): Promise<PredictTimes> {
  const predict = (log?: boolean) => ({
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ features: [row], ...(log === undefined ? {} : { log }) }),
  });
  const requests: [keyof PredictTimes, () => Promise<number>][] = [
    ["health", () => timeRequest(`${url}/v1/health`)],
    ["predict", () => timeRequest(`${url}/v1/predict`, predict())],
    ["unlogged", () => timeRequest(`${url}/v1/predict`, predict(false))],
  ];
  const times: PredictTimes = { health: [], predict: [], unlogged: [] };
  for (let t = 0; t < turns; t++) {
    for (let k = 0; k < requests.length; k++) {
      const [name, request] = requests[(t + k) % requests.length];
      times[name].push(await request());
    }
  }
  return times;
}
