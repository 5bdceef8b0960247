// `npm start` killed with SIGKILL while 10,000-row batches are pending, then started again on
// the same state: every accepted batch completes, each with exactly its rows, once, and the
// rollups count every row once. What makes it hold: a 202 means the rows are in R2, and the
// cron re-queues the chunks of a batch left pending (here after 5 s, STUCK_BATCH_SECONDS).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { gzipSync, strToU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorker, type LocalWorker } from "../web/local-worker.ts";

const BATCHES = 24;
const ROWS = 10_000;

let worker: LocalWorker;

beforeAll(async () => {
  worker = await startLocalWorker({}, { npmStart: true, vars: { STUCK_BATCH_SECONDS: "5" } });
});

afterAll(async () => {
  await worker?.stop();
});

function body(seed: number): Uint8Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 10 - 5;
  const features = Array.from({ length: ROWS }, () => Array.from({ length: 4 }, () => Math.round(next() * 1e4) / 1e4));
  return gzipSync(strToU8(JSON.stringify({ features })));
}

const auth = () => ({ authorization: `Bearer ${worker.adminKey}` });

describe("a crash with batches pending", () => {
  it("completes every accepted batch after a restart, each row exactly once", async () => {
    const bodies = Array.from({ length: BATCHES }, (_, i) => body(i + 1));
    const accepted: string[] = [];
    // A wave of batches, killed at the sixth 202. Scoring is fast, so a wave can be scored
    // before the kill lands; then (read from D1's file while the server is down) nothing was
    // pending, this run would not test a crash with batches pending, and the next wave goes.
    let pendingAtKill = 0;
    for (let wave = 0; wave < 3 && pendingAtKill === 0; wave++) {
      if (wave > 0) await worker.restart();
      accepted.push(...(await postUntilKilled(bodies)));
      pendingAtKill = pendingInD1File(worker.state, accepted);
    }
    expect(pendingAtKill).toBeGreaterThan(0);
    await worker.restart();
    const pending = (await Promise.all(accepted.map(statusOf))).filter((s) => s === "pending").length;
    // The restarted ticker follows the */15 schedule; fire the cron now instead of waiting.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);

    const deadline = Date.now() + 90_000;
    for (const batchId of accepted) {
      for (;;) {
        const response = await fetch(`${worker.url}/v1/batches/${batchId}`, { headers: auth() });
        const result = (await response.json()) as { status: string; rows: number; predictions: { row: number }[] };
        if (result.status === "complete") {
          expect(result.rows).toBe(ROWS);
          const rows = result.predictions.map((p) => p.row);
          expect(rows).toHaveLength(ROWS);
          expect(new Set(rows).size).toBe(ROWS);
          break;
        }
        expect(result.status, `batch ${batchId}`).toBe("pending");
        if (Date.now() > deadline) throw new Error(`batch ${batchId} still pending after the restart`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    const metrics = (await (await fetch(`${worker.url}/v1/metrics`, { headers: auth() })).json()) as {
      volume: { batches24h: number; rows24h: number };
    };
    // The server may have accepted a batch whose 202 the kill cut off: count what it lists as
    // complete (a batch recorded but not yet stored when killed is failed, never half-counted).
    const listed = (await (await fetch(`${worker.url}/v1/batches?limit=100`, { headers: auth() })).json()) as {
      batches: { batchId: string; status: string; rows: number }[];
    };
    const complete = listed.batches.filter((b) => b.status === "complete");
    expect(complete.map((b) => b.batchId)).toEqual(expect.arrayContaining(accepted));
    expect(metrics.volume.rows24h).toBe(complete.length * ROWS);
    expect(metrics.volume.batches24h).toBe(complete.length);
    console.log(
      `accepted ${accepted.length} of ${BATCHES} before the kill, ${pendingAtKill} of them pending in D1 when killed, ${pending} still pending after the restart`,
    );
  });
});

/** POSTs every body at once and SIGKILLs the server at the sixth 202; the batch ids answered 202. */
async function postUntilKilled(bodies: Uint8Array[]): Promise<string[]> {
  const accepted: string[] = [];
  let killed: Promise<void> | null = null;
  await Promise.all(
    bodies.map(async (b) => {
      const response = await fetch(`${worker.url}/v1/batches`, {
        method: "POST",
        headers: { ...auth(), "content-type": "application/json", "content-encoding": "gzip" },
        body: b,
      }).catch(() => null);
      if (response?.status !== 202 || killed) return;
      // The kill may cut an answer off mid-body: that batch does not count as accepted here.
      const answer = (await response.json().catch(() => null)) as { batchId: string } | null;
      if (!answer || killed) return;
      accepted.push(answer.batchId);
      // By the sixth answer the queue has a backlog: some accepted batches are not scored yet.
      if (accepted.length === 6) killed = worker.kill();
    }),
  );
  await killed;
  expect(accepted.length).toBeGreaterThan(0);
  return accepted;
}

/** How many of these batches are pending in the local D1's SQLite file (its WAL included: opened read-write while no server holds it). */
function pendingInD1File(state: string, ids: readonly string[]): number {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  let pending = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sqlite"))) {
    const db = new DatabaseSync(join(dir, file));
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE name = 'batches'").all();
      if (tables.length > 0) {
        const query =
          "SELECT count(*) AS n FROM batches WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?))";
        pending += Number(db.prepare(query).get(JSON.stringify(ids))?.n ?? 0);
      }
    } finally {
      db.close();
    }
  }
  return pending;
}

async function statusOf(batchId: string): Promise<string> {
  const response = await fetch(`${worker.url}/v1/batches/${batchId}`, { headers: auth() });
  return ((await response.json()) as { status: string }).status;
}
