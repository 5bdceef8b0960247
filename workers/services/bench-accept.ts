// What accepting a batch costs in CPU inside workerd, for `npm run bench:api` (route
// http/routes/bench.ts, which exists only with the var BENCH "on"). Each round times three
// sections on the same rows, in an order that rotates from round to round:
//   baseline: DecompressionStream + TextDecoder + JSON.parse of the gzip JSON body, nothing else;
//   json:     POST /v1/batches' work on that body: decodeBodyBytes and parseJsonBytes as
//             routes/batches.ts calls them, then the real ingestBatch (envelope, row checks,
//             columns, the row frame encoded) over memory adapters, so no D1, R2 or queue I/O;
//   arrow:    the same for the gzip Arrow body (decodeBodyBytes, then ingestBatch).
// Each section runs its work REPS times back to back and reports the mean.
//
// The clock. Deployed, workerd advances Date.now() and performance.now() only when the event loop
// turns for I/O or a timer (a Spectre mitigation). What we measured in wrangler dev 4.155
// (workerd 1.20261023.1): locally both clocks do advance during synchronous work, at 1 ms
// resolution (JSON.parse of the 2.2 MB body with no await in between read 8–10 ms once and
// 25–29 ms three times; performance.now() and Date.now() moved alike, in whole milliseconds).
// Each clock read still follows an `await scheduler.wait(0)` (a timer, so an event-loop turn),
// meant to let a frozen clock catch up (not verified deployed: the route is local-only); an
// empty section reads 0–1 ms (`clock.floorMs`), the price of that turn here. Every run
// checks the clock: the baseline timed once and three times in a row (`clock.threeToOne`, ≈3
// when the time measured grows with the work; we saw 2.8–3.1).
import type { Artifact } from "../../model/index.ts";
import { BODY_LIMITS } from "../contract/limits.ts";
import { decodeBodyBytes, parseJsonBytes } from "../codecs/decode-body.ts";
import { ARROW_STREAM } from "../codecs/arrow-batch.ts";
import type { Principal } from "../adapters/key-store.ts";
import { createMemoryAdapters, type MemoryAdapters } from "../adapters/memory/index.ts";
import { ingestBatch, type IngestInput } from "./ingest-batch.ts";
import { registerModel } from "./register-model.ts";

export type Section = "baseline" | "json" | "arrow";
const SECTIONS: readonly Section[] = ["baseline", "json", "arrow"];
const REPS = 3;
const TYPES = ["application/json", ARROW_STREAM];

export interface BenchAcceptInput {
  jsonGzip: Uint8Array;
  arrowGzip: Uint8Array;
  /** The caller's champion, registered again in memory for ingestBatch to load. */
  artifact: Artifact;
  rounds: number;
}

export interface BenchAcceptResult {
  rows: number;
  /** Whether the JSON and the Arrow body became the same stored features. */
  sameRows: boolean;
  reps: number;
  /** Milliseconds per run of each section, and the order the round ran them in. */
  rounds: { order: Section[]; ms: Record<Section, number> }[];
  clock: { floorMs: number[]; oneMs: number[]; threeMs: number[]; threeToOne: number[] };
}

interface Tenant {
  adapters: MemoryAdapters;
  principal: Principal;
}

/** Runs the rounds; throws what the accept path throws if a body is refused. */
export async function benchAccept(input: BenchAcceptInput): Promise<BenchAcceptResult> {
  const tenant = await memoryTenant(input.artifact);
  const sections: Record<Section, () => Promise<string | number>> = {
    baseline: () => decompressAndParse(input.jsonGzip),
    json: () => acceptJson(input.jsonGzip, tenant),
    arrow: () => acceptArrow(input.arrowGzip, tenant),
  };
  // Once each untimed (the first call of each path compiles its code), and compared.
  const rows = Number(await sections.baseline());
  const sameRows = await sameStoredRows(tenant, String(await sections.json()), String(await sections.arrow()));
  const clock = await checkClock(sections.baseline);
  const rounds: BenchAcceptResult["rounds"] = [];
  for (let r = 0; r < input.rounds; r++) {
    const order = SECTIONS.map((_, k) => SECTIONS[(k + r) % SECTIONS.length]);
    const ms = { baseline: 0, json: 0, arrow: 0 };
    for (const section of order) ms[section] = (await timed(sections[section], REPS)) / REPS;
    rounds.push({ order, ms });
    await forgetBatches(tenant);
  }
  return { rows, sameRows, reps: REPS, rounds, clock };
}

/** Lets the event loop turn: where the clock is frozen between I/O, this moves it to the present. */
const tick = () => scheduler.wait(0);

async function timed(work: () => Promise<unknown>, reps = 1): Promise<number> {
  await tick();
  const started = performance.now();
  for (let k = 0; k < reps; k++) await work();
  await tick();
  return performance.now() - started;
}

/** An empty section (what the ticks cost), and the baseline once against three times in a row. */
async function checkClock(baseline: () => Promise<unknown>): Promise<BenchAcceptResult["clock"]> {
  const clock: BenchAcceptResult["clock"] = { floorMs: [], oneMs: [], threeMs: [], threeToOne: [] };
  for (let k = 0; k < 3; k++) {
    clock.floorMs.push(await timed(async () => undefined));
    const one = await timed(baseline);
    const three = await timed(baseline, 3);
    clock.oneMs.push(one);
    clock.threeMs.push(three);
    clock.threeToOne.push(one > 0 ? three / one : Number.NaN);
  }
  return clock;
}

/** The floor: the gzip JSON decompressed by the native stream, decoded and parsed; its row count. */
async function decompressAndParse(gzip: Uint8Array): Promise<number> {
  const stream = new Blob([gzip]).stream().pipeThrough(new DecompressionStream("gzip"));
  const text = new TextDecoder().decode(await new Response(stream).arrayBuffer());
  const value = JSON.parse(text) as { features?: unknown[] };
  return value.features?.length ?? 0;
}

/** A request as POST /v1/batches receives it, so the body is read through the same stream. */
function requestOf(gzip: Uint8Array, type: string): Request {
  return new Request("http://bench.invalid/v1/batches", {
    method: "POST",
    // As a client's fetch sends it: with its Content-Length.
    headers: { "content-type": type, "content-encoding": "gzip", "content-length": String(gzip.byteLength) },
    body: gzip,
  });
}

async function acceptJson(gzip: Uint8Array, tenant: Tenant): Promise<string> {
  const decoded = await decodeBodyBytes(requestOf(gzip, "application/json"), BODY_LIMITS.batch, TYPES);
  const { value } = await parseJsonBytes(decoded.bytes, BODY_LIMITS.batch);
  return ingest(tenant, { kind: "json", value });
}

async function acceptArrow(gzip: Uint8Array, tenant: Tenant): Promise<string> {
  const decoded = await decodeBodyBytes(requestOf(gzip, ARROW_STREAM), BODY_LIMITS.batch, TYPES);
  return ingest(tenant, { kind: "arrow", bytes: decoded.bytes });
}

async function ingest(tenant: Tenant, body: IngestInput["body"]): Promise<string> {
  const input = { body, bodyHash: "", idempotencyKey: null, source: "api" } as const;
  const { accepted } = await ingestBatch(tenant.adapters, tenant.principal, input);
  return accepted.batchId;
}

/** A fresh in-memory tenant whose champion is the artifact. */
async function memoryTenant(artifact: Artifact): Promise<Tenant> {
  const adapters = createMemoryAdapters();
  const { key } = await adapters.keys.createKey(`bench-${crypto.randomUUID().slice(0, 8)}`, ["ingest"]);
  const principal = await adapters.keys.verifyKey(key);
  if (!principal) throw new Error("a memory key just made does not verify");
  const fingerprint = "bench";
  await registerModel(adapters, principal.tenantId, artifact, { status: "champion", source: "seed", fingerprint });
  return { adapters, principal };
}

async function sameStoredRows(tenant: Tenant, jsonBatch: string, arrowBatch: string): Promise<boolean> {
  const [a, b] = await Promise.all(
    [jsonBatch, arrowBatch].map((id) => tenant.adapters.rows.getInput(tenant.principal.tenantId, id)),
  );
  if (!a || !b || a.rows !== b.rows || a.features.length !== b.features.length) return false;
  // === and not Object.is: JSON has no −0 (a rounded −0.00001 is sent as 0), Arrow keeps it.
  return a.features.every((v, i) => v === b.features[i]);
}

/** Drops the stored frames (≈2.4 MB each), so rounds do not pile them up in the isolate. */
async function forgetBatches(tenant: Tenant): Promise<void> {
  const prefix = `rows/${tenant.principal.tenantId}/`;
  const batchIds = new Set(tenant.adapters.rows.keys(prefix).map((key) => key.slice(prefix.length).split("/")[0]));
  for (const id of batchIds) await tenant.adapters.rows.deleteBatch(tenant.principal.tenantId, id);
}
