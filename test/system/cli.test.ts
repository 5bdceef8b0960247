// `npx edge-svm` against a real local Worker, run as a user runs it (bin/edge-svm.mjs): a
// 20,000-row CSV submitted, waited for and written back one prediction per row in input order;
// a submit SIGKILLed after its first batch and run again creates each batch once (the
// Idempotency-Keys come from the file's hash); feedback, retrain and activate; documented exit
// codes for an API error, a usage error, an unreachable server and a batch that failed.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoData } from "../../model/demo-data.ts";
import { startLocalWorker, type LocalWorker } from "../web/local-worker.ts";

const SHIM = join(import.meta.dirname, "../../bin/edge-svm.mjs");

let worker: LocalWorker;
let dir: string;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "edge-svm-cli-"));
  worker = await startLocalWorker();
});

afterAll(async () => {
  for (const child of running) killGroup(child);
  await worker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function killGroup(child: ChildProcess) {
  try {
    process.kill(-(child.pid as number), "SIGKILL");
  } catch {
    // Already gone.
  }
}

interface Run {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts the CLI in its own process group (the shim and the Node 22 it starts), in the temp dir. */
function start(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(SHIM, args, {
    cwd: dir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", EDGE_SVM_URL: worker.url, EDGE_SVM_KEY: worker.adminKey, ...env },
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, stderr: () => stderr, done };
}

const cli = (args: string[], env: Record<string, string> = {}) => start(args, env).done;

/** A CSV of the demo model's features with an id and the true class (extra columns the CLI ignores). */
function writeDemoCsv(name: string, rows: number, seed: number): { path: string; classes: number[] } {
  const data = generateDemoData({ rows, seed });
  const d = data.featureNames.length;
  const lines = [["id", ...data.featureNames, "class"].join(",")];
  for (let i = 0; i < rows; i++) lines.push([`r${i}`, ...data.x.subarray(i * d, i * d + d), data.y[i]].join(","));
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return { path, classes: Array.from(data.y) };
}

async function listBatchIds(): Promise<string[]> {
  const response = await fetch(`${worker.url}/v1/batches?limit=100`, {
    headers: { authorization: `Bearer ${worker.adminKey}` },
  });
  const page = (await response.json()) as { batches: { batchId: string }[] };
  return page.batches.map((b) => b.batchId);
}

/** A port nothing listens on: one the system just handed out and that was closed again. */
function closedPort(): Promise<number> {
  return new Promise((found) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => found(port));
    });
  });
}

const lines = (text: string) => text.trim().split("\n").filter(Boolean);

describe("the edge-svm CLI", () => {
  let firstBatch = "";
  let classes: number[] = [];

  it("submits 20,000 rows, waits, and writes one prediction per row in input order", async () => {
    const started = Date.now();
    const file = writeDemoCsv("data.csv", 20_000, 7);
    classes = file.classes;
    const result = await cli(["submit", "data.csv", "--wait", "--out", "preds.csv", "--id-column", "id"]);
    expect(result.code, result.stderr).toBe(0);
    const ids = lines(result.stdout);
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => id.startsWith("bat_"))).toBe(true);
    firstBatch = ids[0];
    expect(result.stderr).toContain("accepted 20000/20000 rows");
    expect(result.stderr).toContain("scored 20000/20000 rows");

    const [header, ...rows] = lines(readFileSync(join(dir, "preds.csv"), "utf8"));
    expect(header).toBe("row,id,label,class,probability,margin,modelVersion");
    expect(rows).toHaveLength(20_000);
    let agree = 0;
    rows.forEach((line, i) => {
      const [row, id, label, className, probability, margin, version] = line.split(",");
      expect([Number(row), id]).toEqual([i, `r${i}`]);
      expect(["0", "1"]).toContain(label);
      // The demo model names its classes.
      expect(className).toBe(["genuine", "forged"][Number(label)]);
      expect(Number(probability)).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(Number(margin))).toBe(true);
      expect(version).not.toBe("");
      if (Number(label) === classes[i]) agree++;
    });
    // The demo model is ~99% accurate on its own kind of data: the rows were not shuffled.
    expect(agree / rows.length).toBeGreaterThan(0.9);
    console.log(`submit --wait --out of 20,000 rows: ${Date.now() - started} ms`);
  });

  it("re-run after a SIGKILL mid-submit creates each batch once", async () => {
    writeDemoCsv("more.csv", 30_000, 8);
    const before = new Set(await listBatchIds());
    const args = ["submit", "more.csv", "--batch-rows", "5000", "--parallel", "1"];
    const first = start(args);
    // Killed as soon as it reports the first batch accepted, while it sends the next one.
    await new Promise<void>((accepted, failed) => {
      first.child.stderr?.on("data", () => {
        if (first.stderr().includes("accepted 5000/30000 rows")) accepted();
      });
      first.child.once("close", () => failed(new Error(`the CLI ended before the kill:\n${first.stderr()}`)));
    });
    killGroup(first.child);
    const killed = await first.done;
    expect(killed.code).toBeNull();
    expect(lines(killed.stdout).length).toBeLessThan(6);

    const again = await cli(args);
    expect(again.code, again.stderr).toBe(0);
    const ids = lines(again.stdout);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(ids.slice(0, lines(killed.stdout).length)).toEqual(lines(killed.stdout));
    // The batch accepted before the kill (its id is in the progress line) came back, not a copy.
    expect(ids[0]).toBe(/accepted 5000\/30000 rows \(batch 1 (bat_\S+)\)/.exec(killed.stderr)?.[1]);
    const created = (await listBatchIds()).filter((id) => !before.has(id));
    expect(created.sort()).toEqual([...ids].sort());
    console.log(
      `killed after ${killed.stderr.match(/^accepted /gm)?.length} of 6 batches accepted; the re-run created ${created.length}`,
    );
  });

  it("sends feedback, retrains and activates a version", async () => {
    const labels = ["batchId,row,label", ...classes.slice(0, 300).map((y, row) => `${firstBatch},${row},${y}`)];
    writeFileSync(join(dir, "labels.csv"), labels.join("\n") + "\n");
    const sent = await cli(["feedback", "labels.csv"]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain(`${firstBatch}: 300 labels accepted`);

    const retrained = await cli(["models", "retrain", "--force"]);
    expect(retrained.code, retrained.stderr).toBe(0);
    expect(retrained.stdout).toMatch(/^retrain (promoted|rejected|skipped|failed|running)/);
    console.log(retrained.stdout.trim());

    const listed = await cli(["models", "list"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/\bseed-1\b/);
    const activated = await cli(["models", "activate", "seed-1"]);
    expect(activated.code, activated.stderr).toBe(0);
    expect(activated.stdout).toContain("seed-1 is the champion now");
  });

  it("exits 2 with the API's code, 1 on a usage error, 3 when the server cannot be reached", async () => {
    const missing = await cli(["get", "bat_nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("NOT_FOUND");
    const unknown = await cli(["frobnicate"]);
    expect(unknown.code).toBe(1);
    const noColumn = await cli(["submit", "labels.csv"]);
    expect(noColumn.code).toBe(1);
    expect(noColumn.stderr).toContain('"variance"');
    const unreachable = await cli(["get", "bat_nope"], { EDGE_SVM_URL: `http://127.0.0.1:${await closedPort()}` });
    expect(unreachable.code).toBe(3);
  });

  it("exits 4 when a batch failed, after waiting for the others and writing their predictions", async () => {
    // The Worker fails a batch only after its chunks exhaust their queue retries, so a stand-in
    // API answers the second of two batches "failed".
    const stub = await failingApi();
    try {
      writeDemoCsv("two.csv", 4, 3);
      const url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
      const result = await cli(["submit", "two.csv", "--batch-rows", "2", "--out", "two-preds.csv"], {
        EDGE_SVM_URL: url,
      });
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toContain("1 of 2 batches failed: bat_stub1 (rows 2…): scoring failed 3 times");
      const [, ...rows] = lines(readFileSync(join(dir, "two-preds.csv"), "utf8"));
      expect(rows.map((row) => row.split(",")[0])).toEqual(["0", "1"]);
    } finally {
      await new Promise((closed) => stub.close(closed));
    }
  });
});

/** An API with the demo model whose batches 0 and 1 end complete and failed. */
async function failingApi(): Promise<Server> {
  const names = generateDemoData({ rows: 1, seed: 1 }).featureNames;
  let accepted = 0;
  const server = createHttpServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    request.resume().on("end", () => {
      const now = new Date().toISOString();
      if (request.url === "/v1/me") return send(200, { model: { active: true, featureNames: names } });
      if (request.method === "POST") {
        const batchId = `bat_stub${accepted++}`;
        return send(202, { batchId, status: "pending", rows: 2, statusUrl: `/v1/batches/${batchId}` });
      }
      const batchId = request.url?.split("?")[0].split("/").pop() ?? "";
      const failed = batchId === "bat_stub1";
      const predictions = failed
        ? []
        : [0, 1].map((row) => ({
            row,
            id: null,
            label: 1,
            className: "forged",
            probability: 0.9,
            margin: 1.5,
            modelVersion: "v1",
          }));
      send(200, {
        batchId,
        status: failed ? "failed" : "complete",
        rows: 2,
        done: failed ? 0 : 2,
        createdAt: now,
        completedAt: now,
        error: failed ? "scoring failed 3 times" : null,
        predictions,
      });
    });
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  return server;
}
