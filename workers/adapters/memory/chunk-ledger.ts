// The in-memory twin of chunk-ledger.ts and the BatchTracker object behind it: per batch, the
// chunks recorded so far. A chunk is recorded once (a redelivery, even with other stats, changes
// nothing), the batch is complete once as many chunks as it has are recorded, and its stats are
// then the recorded chunks' stats merged in chunk order (the table's rowid order), each read back
// from the JSON text it was stored as. Like the object, a batch's ledger is forgotten a day after
// its first chunk; `runAlarm` forgets it now, as runDurableObjectAlarm does to the real object.
import { mergeStats, type ChunkStats } from "../../services/rollup.ts";
import type { ChunkLedger } from "../chunk-ledger.ts";

export interface MemoryChunkLedger extends ChunkLedger {
  /** Runs the batch's pending alarm now (its ledger is forgotten); false when none is set. */
  runAlarm(batchId: string): boolean;
}

/** How long the object keeps a batch's chunks. */
const KEEP_MS = 24 * 60 * 60 * 1000;

interface Ledger {
  chunks: Map<number, { rows: number; stats: string }>;
  alarmAt: number | null;
}

export function createMemoryChunkLedger(): MemoryChunkLedger {
  const ledgers = new Map<string, Ledger>();
  /** The batch's ledger, unless its alarm time has passed (then it is gone, as deleteAll left it). */
  const live = (batchId: string): Ledger | null => {
    const ledger = ledgers.get(batchId);
    if (ledger?.alarmAt != null && ledger.alarmAt <= Date.now()) ledgers.delete(batchId);
    return ledgers.get(batchId) ?? null;
  };
  return {
    async record(batchId, chunk, chunks, stats) {
      const ledger = live(batchId) ?? { chunks: new Map(), alarmAt: null };
      ledgers.set(batchId, ledger);
      if (!ledger.chunks.has(chunk)) {
        ledger.chunks.set(chunk, { rows: stats.rows, stats: JSON.stringify(stats) });
        ledger.alarmAt ??= Date.now() + KEEP_MS;
      }
      const recorded = [...ledger.chunks].sort(([a], [b]) => a - b).map(([, r]) => r);
      const complete = recorded.length >= chunks;
      return {
        done: recorded.reduce((sum, r) => sum + r.rows, 0),
        complete,
        stats: complete ? mergeStats(recorded.map((r) => JSON.parse(r.stats) as ChunkStats)) : null,
      };
    },
    async progress(batchId) {
      let done = 0;
      for (const { rows } of live(batchId)?.chunks.values() ?? []) done += rows;
      return done;
    },
    runAlarm(batchId) {
      if (live(batchId)?.alarmAt == null) return false;
      ledgers.delete(batchId);
      return true;
    },
  };
}
