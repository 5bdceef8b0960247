// Memory benchmark of the ingest path: the peak memory of the largest batch we accept and of
// the worst bodies we refuse, against an isolate's 128 MB (goal: at most 64 MB each). Each case
// runs the real decoder, schema, checks and chunker in a fresh Node process (Node 22's V8, as in
// workerd), reading its body from a file. Two figures per case:
// - heap needed: the smallest V8 heap (--max-old-space-size, found by bisection) in which the
//   case completes: its peak of live objects, what an isolate's limit is about;
// - RSS growth: how far the process's peak resident memory rose (live objects, garbage not yet
//   collected, and buffers outside the heap), an upper bound.
// Next to each refused body, the same run measures the peer it replaces: the same body parsed
// without the shape check (what the code did before). Run: npm run bench:memory
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync, strToU8 } from "fflate";
import { BatchRequest } from "../workers/contract/api.ts";
import { BODY_LIMITS, LIMITS } from "../workers/contract/limits.ts";
import { decodeJsonBody } from "../workers/codecs/decode-body.ts";
import { chunkRows } from "../workers/codecs/chunk-rows.ts";
import { checkFeatureRows } from "../workers/services/check-feature-rows.ts";
import { parseRequest } from "../workers/services/parse-request.ts";

const MB = 1024 * 1024;
const GOAL_MB = 64;

interface Case {
  name: string;
  encoding: "gzip" | "identity";
  make: () => Uint8Array;
  /** Also measure the body parsed with no shape check (the code before the cap). */
  peer?: boolean;
}

interface Measured {
  outcome: string;
  peakMb: number;
}

interface Figures {
  outcome: string;
  heapMb: number;
  rssMb: number;
}

// The most cells an accepted batch can carry: 10,000 rows with 128-character ids and as many
// 6-decimal features per row as fit both the 4 MiB encoded and the 16 MiB decoded caps.
function largestBatch(): Uint8Array {
  let seed = 7;
  const next = () => Math.round(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2e8 - 1e8) / 1e6;
  const ids = Array.from({ length: LIMITS.maxBatchRows }, (_, i) => `${i}`.padStart(LIMITS.maxIdLength, "x"));
  let best: Uint8Array | null = null;
  for (let d = 8; d * LIMITS.maxBatchRows <= LIMITS.maxBatchCells; d += 8) {
    const rows = Array.from({ length: LIMITS.maxBatchRows }, () => Array.from({ length: d }, next));
    const text = strToU8(JSON.stringify({ features: rows, ids }));
    const body = gzipSync(text, { level: 6 });
    if (text.byteLength > BODY_LIMITS.batch.maxDecodedBytes || body.byteLength > BODY_LIMITS.batch.maxEncodedBytes)
      break;
    best = body;
  }
  if (!best) throw new Error("no batch fits the caps");
  return best;
}

const repeated = (unit: string, bytes: number, head: string, tail: string) =>
  strToU8(head + unit.repeat(Math.floor((bytes - head.length - tail.length) / unit.length)) + tail);

const CASES: Case[] = [
  {
    name: "largest accepted batch (10,000 rows, 128-char ids, most features that fit)",
    encoding: "gzip",
    make: largestBatch,
  },
  {
    name: 'refused: 4 MiB of "[0]," sent plain (a million arrays)',
    encoding: "identity",
    make: () => repeated("[0],", BODY_LIMITS.batch.maxEncodedBytes, '{"features":[', "[0]]}"),
    peer: true,
  },
  {
    name: 'refused: 16 MiB of "[0]," gzipped (a gzip bomb)',
    encoding: "gzip",
    make: () => gzipSync(repeated("[0],", 16 * MB - 64, '{"features":[', "[0]]}"), { level: 9 }),
    peer: true,
  },
  {
    name: "refused: 4 MiB of one flat array of zeros",
    encoding: "identity",
    make: () => repeated("0,", BODY_LIMITS.batch.maxEncodedBytes, '{"features":[[', "0]]}"),
    peer: true,
  },
];

/** In a child: decode and check one body the way POST /v1/batches does; print the peak growth. */
async function runCase(file: string, encoding: string, mode: "ours" | "peer"): Promise<void> {
  const body = readFileSync(file);
  const before = process.resourceUsage().maxRSS;
  let outcome = "accepted";
  try {
    if (mode === "peer") {
      // The code before the caps on shape: decode under the byte caps, then JSON.parse it whole.
      const text = new TextDecoder().decode(encoding === "gzip" ? await gunzip(body) : body);
      outcome = `parsed ${(JSON.parse(text) as { features: unknown[] }).features.length} rows`;
    } else {
      const request = new Request("http://bench/v1/batches", {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": encoding },
        body,
      });
      const decoded = await decodeJsonBody(request, BODY_LIMITS.batch);
      const batch = parseRequest(BatchRequest, decoded.value, "INVALID_BATCH");
      const d = batch.features[0].length;
      const names = Array.from({ length: d }, (_, j) => `f${j}`);
      checkFeatureRows(batch.features, batch.ids, names, "bench");
      const chunks = chunkRows(
        batch.features,
        batch.ids,
        decoded.byteLength / batch.features.length,
        LIMITS.maxChunkBytes,
        LIMITS.maxQueueMessageBytes,
      );
      outcome = `accepted: ${batch.features.length} rows x ${d}, ${chunks.length} queue messages`;
    }
  } catch (error) {
    outcome = `refused: ${(error as { code?: string }).code ?? (error as Error).message}`;
  }
  const after = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({ outcome, peakMb: (after - before) / 1024 }));
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function run(file: string, encoding: string, mode: "ours" | "peer", heapMb?: number): Measured | null {
  const flags = heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`, "--max-semi-space-size=1"];
  const child = spawnSync(process.execPath, [...flags, import.meta.filename, "--case", file, encoding, mode], {
    encoding: "utf8",
    maxBuffer: 1024 * 1024,
  });
  const line = child.stdout.trim().split("\n").at(-1) ?? "";
  return child.status === 0 && line.startsWith("{") ? (JSON.parse(line) as Measured) : null;
}

/** The smallest heap, to 2 MB, in which the case completes (null: not even in 1 GB). */
function heapNeeded(file: string, encoding: string, mode: "ours" | "peer"): number | null {
  let fits = 1024;
  if (!run(file, encoding, mode, fits)) return null;
  let fails = 4;
  while (fits - fails > 2) {
    const mid = Math.floor((fits + fails) / 2);
    if (run(file, encoding, mode, mid)) fits = mid;
    else fails = mid;
  }
  return fits;
}

function measure(file: string, encoding: string, mode: "ours" | "peer"): Figures {
  const free = run(file, encoding, mode);
  return {
    outcome: free?.outcome ?? "crashed",
    heapMb: heapNeeded(file, encoding, mode) ?? NaN,
    rssMb: free?.peakMb ?? NaN,
  };
}

const show = (f: Figures) => `heap needed ${f.heapMb} MB, RSS growth ${f.rssMb.toFixed(1)} MB`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-memory-"));
  try {
    console.log(`## Ingest memory per body (goal: heap needed <= ${GOAL_MB} MB; the isolate limit is 128 MB)`);
    console.log(`Node ${process.versions.node}; every figure from a fresh process in this run.\n`);
    let worst = 0;
    for (const testCase of CASES) {
      const file = join(dir, "body");
      const body = testCase.make();
      writeFileSync(file, body);
      const ours = measure(file, testCase.encoding, "ours");
      worst = Math.max(worst, ours.heapMb);
      console.log(testCase.name);
      console.log(`  body ${(body.byteLength / 1024).toFixed(0)} KB ${testCase.encoding}: ${ours.outcome}`);
      console.log(`  ours: ${show(ours)} ${ours.heapMb <= GOAL_MB ? "(within goal)" : "(OVER GOAL)"}`);
      if (testCase.peer) {
        const peer = measure(file, testCase.encoding, "peer");
        const ratio = Number.isFinite(peer.heapMb) ? ` = ${(peer.heapMb / ours.heapMb).toFixed(1)}x ours` : "";
        console.log(`  peer, no shape check (same body, same run): ${peer.outcome}; ${show(peer)}${ratio}`);
      }
    }
    console.log(`\nworst case: heap needed ${worst} MB ${worst <= GOAL_MB ? "<=" : ">"} ${GOAL_MB} MB goal`);
    if (!(worst <= GOAL_MB)) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf("--case");
if (at >= 0) await runCase(process.argv[at + 1], process.argv[at + 2], process.argv[at + 3] as "ours" | "peer");
else await main();
