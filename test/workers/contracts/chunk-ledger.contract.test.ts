// The chunk-ledger contract: each batch's scored chunks are recorded exactly once, however often
// a chunk's message is delivered, so the batch completes when its last chunk first arrives and
// its chunks' stats are summed once; progress counts the rows recorded. A batch's ledger is
// forgotten when its alarm runs (a day after its first chunk).
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { createChunkLedger, type ChunkLedger } from "../../../workers/adapters/chunk-ledger.ts";
import { createMemoryChunkLedger } from "../../../workers/adapters/memory/chunk-ledger.ts";
import type { ChunkStats } from "../../../workers/services/rollup.ts";
import { describeContract, freshId } from "./contract.ts";

interface Fixture {
  ledger: ChunkLedger;
  /** Runs the batch's alarm now, as if its day were up; false when none is set. */
  dayPasses(batchId: string): Promise<boolean>;
}

/** One chunk's stats: rows scored by one version, its margins in two buckets (negatives, positives). */
const stats = (rows: number, positives: number, bins: number[], modelVersion = "v1"): ChunkStats => ({
  rows,
  versions: [{ modelVersion, rows, positives, bins, scores: [rows - positives, positives] }],
});

const byVersion = (s: ChunkStats | null) =>
  s && { ...s, versions: [...s.versions].sort((a, b) => a.modelVersion.localeCompare(b.modelVersion)) };

describeContract<Fixture>(
  "ChunkLedger",
  "durable object",
  () => ({
    ledger: createChunkLedger(env.BATCH_TRACKER),
    dayPasses: (batchId) => runDurableObjectAlarm(env.BATCH_TRACKER.get(env.BATCH_TRACKER.idFromName(batchId))),
  }),
  () => {
    const ledger = createMemoryChunkLedger();
    return { ledger, dayPasses: async (batchId) => ledger.runAlarm(batchId) };
  },
  (make) => {
    it("counts rows as chunks arrive and completes, with the summed stats, when the last first arrives", async () => {
      const { ledger } = await make();
      const batchId = freshId("bat");
      expect(await ledger.progress(batchId)).toBe(0);
      expect(await ledger.record(batchId, 2, 3, stats(4, 1, [1, 3]))).toEqual({
        done: 4,
        complete: false,
        stats: null,
      });
      expect(await ledger.record(batchId, 0, 3, stats(5, 2, [4, 1]))).toEqual({
        done: 9,
        complete: false,
        stats: null,
      });
      expect(await ledger.progress(batchId)).toBe(9);
      expect(await ledger.record(batchId, 1, 3, stats(5, 0, [0, 5]))).toEqual({
        done: 14,
        complete: true,
        stats: stats(14, 3, [5, 9]),
      });
      expect(await ledger.progress(batchId)).toBe(14);
    });

    it("records a chunk delivered again once, keeping what it first brought", async () => {
      const { ledger } = await make();
      const batchId = freshId("bat");
      await ledger.record(batchId, 0, 2, stats(3, 3, [3]));
      expect(await ledger.record(batchId, 0, 2, stats(30, 30, [30]))).toEqual({
        done: 3,
        complete: false,
        stats: null,
      });
      const last = await ledger.record(batchId, 1, 2, stats(2, 0, [2]));
      expect(last).toEqual({ done: 5, complete: true, stats: stats(5, 3, [5]) });
      // The last chunk redelivered after completion: still complete, the same sums (its caller completes once).
      expect(await ledger.record(batchId, 1, 2, stats(9, 9, [9]))).toEqual(last);
      expect(await ledger.progress(batchId)).toBe(5);
    });

    it("completes a one-chunk batch at once, and sums chunks scored by different versions apart", async () => {
      const { ledger } = await make();
      expect(await ledger.record(freshId("bat"), 0, 1, stats(7, 2, [1, 2, 4]))).toEqual({
        done: 7,
        complete: true,
        stats: stats(7, 2, [1, 2, 4]),
      });
      const batchId = freshId("bat");
      await ledger.record(batchId, 1, 3, stats(2, 1, [1, 1], "v2"));
      await ledger.record(batchId, 0, 3, stats(3, 1, [2, 1], "v1"));
      const done = await ledger.record(batchId, 2, 3, stats(4, 4, [0, 4], "v2"));
      expect(byVersion(done.stats)).toEqual({
        rows: 9,
        versions: [
          { modelVersion: "v1", rows: 3, positives: 1, bins: [2, 1], scores: [2, 1] },
          { modelVersion: "v2", rows: 6, positives: 5, bins: [1, 5], scores: [1, 5] },
        ],
      });
    });

    it("sums the stats of chunks recorded before margins were counted, as no margins", async () => {
      const { ledger } = await make();
      const batchId = freshId("bat");
      // What a chunk scored by the previous deployment left in the ledger: no score histogram.
      const { scores: _, ...older } = stats(2, 1, [1, 1]).versions[0];
      await ledger.record(batchId, 0, 2, { rows: 2, versions: [older as ChunkStats["versions"][0]] });
      const done = await ledger.record(batchId, 1, 2, stats(3, 3, [0, 3]));
      expect(done.stats).toEqual({
        rows: 5,
        versions: [{ modelVersion: "v1", rows: 5, positives: 4, bins: [1, 4], scores: [0, 3] }],
      });
    });

    it("keeps each batch's chunks apart", async () => {
      const { ledger } = await make();
      const [a, b] = [freshId("bat"), freshId("bat")];
      await ledger.record(a, 0, 2, stats(3, 0, [3]));
      expect(await ledger.record(b, 1, 2, stats(4, 0, [4]))).toEqual({ done: 4, complete: false, stats: null });
      expect([await ledger.progress(a), await ledger.progress(b)]).toEqual([3, 4]);
    });

    it("forgets a batch's chunks when its day is up, and sets no alarm for a batch it never saw", async () => {
      const { ledger, dayPasses } = await make();
      const batchId = freshId("bat");
      expect(await dayPasses(batchId)).toBe(false);
      await ledger.record(batchId, 0, 2, stats(3, 0, [3]));
      await ledger.record(batchId, 1, 2, stats(4, 0, [4]));
      expect(await dayPasses(batchId)).toBe(true);
      expect(await dayPasses(batchId)).toBe(false);
      // A chunk redelivered after that (the object may still be running) starts a fresh ledger.
      expect(await ledger.progress(batchId)).toBe(0);
      expect(await ledger.record(batchId, 0, 1, stats(2, 1, [2]))).toEqual({
        done: 2,
        complete: true,
        stats: stats(2, 1, [2]),
      });
    });
  },
);
