// Compaction: a tenant's base dataset and every label it gave become the training shards of one
// run (training/<tenant>/<run>/), with the same rules the in-memory training set had: rows are
// deduplicated by feature vector, the latest label winning; a row keeps its "base" mark only
// while feedback agrees with the base label; the holdout is a stable hash split of the vector.
//
// It is external deduplication, so memory never holds the whole set: rows are first spilled into
// hash partitions (the same vector always lands in the same one), in arrival order, base first;
// then each partition is deduplicated on its own. Every call to compactStep does one bounded piece
// of that and returns the next JSON state, so a Workflow step can run it and checkpoint; a piece
// run again from the same state writes the same objects.
import { firstOutOfRange, hashKey, isHoldout, rowKey } from "../../../model/index.ts";
import type { Adapters } from "../../adapters/index.ts";
import type { LabelCursor } from "../../adapters/feedback-store.ts";
import { sha256Hex } from "../../codecs/ids.ts";
import { rowOf } from "../../codecs/row-frame.ts";
import { readScoredRows, type ScoredRows } from "../scored-rows.ts";
import { BASE_SET, labelledFrame, type BaseInfo } from "./labelled-frames.ts";

/** Rows per partition, planned: a partition's index of keys and vectors stays near 15 MB. */
export const PARTITION_ROWS = 25_000;
/** Train rows kept for the artifact's feature statistics (deciles): all of them below this. */
export const SAMPLE_ROWS = 20_000;
/** One base shard (≤ 50,000 rows) per step: its rows are held twice, as read and as spilled. */
const BASE_SHARDS_PER_STEP = 1;
const LABELS_PER_STEP = 20_000;
const LABEL_PAGE = 1_000;
const RECENT_BATCHES = 4;

export interface PartitionSummary {
  train: number;
  /** Train rows labelled 1. */
  trainOnes: number;
  holdout: number;
  holdoutBase: number;
  sample: number;
  feedbackRows: number;
  relabelled: number;
  duplicates: number;
  /** sha256 of the partition's sorted "key:label" lines. */
  fingerprint: string;
}

export interface Compaction {
  setId: string;
  featureNames: string[];
  partitions: number;
  /** A train row is sampled when a hash of its vector is 0 modulo this. */
  sampleStride: number;
  /** Spill frames written so far, per partition. */
  spills: number[];
  /** The first baseSpills[p] spill frames of partition p hold base rows. */
  baseSpills: number[];
  baseShards: number;
  nextBaseShard: number;
  baseRows: number;
  labelCursor: LabelCursor | null;
  labelsDone: boolean;
  /** Rows left out: non-finite or out of range, of another width, or whose batch is gone. */
  skipped: number;
  /** Partition summaries, in order, for the partitions deduplicated so far. */
  parts: PartitionSummary[];
}

export function planCompaction(
  setId: string,
  base: BaseInfo,
  labels: number,
  partitionRows = PARTITION_ROWS,
): Compaction {
  const rows = base.rows + labels;
  const partitions = Math.max(1, Math.ceil(rows / partitionRows));
  return {
    setId,
    featureNames: base.featureNames,
    partitions,
    sampleStride: Math.max(1, Math.ceil(rows / SAMPLE_ROWS)),
    spills: new Array<number>(partitions).fill(0),
    baseSpills: new Array<number>(partitions).fill(0),
    baseShards: base.shards,
    nextBaseShard: 0,
    baseRows: 0,
    labelCursor: null,
    labelsDone: false,
    skipped: 0,
    parts: [],
  };
}

export const compactionDone = (c: Compaction) => c.parts.length === c.partitions;

/** The stage the next compactStep runs, for step names and progress. */
export function compactionStage(c: Compaction): string {
  if (c.nextBaseShard < c.baseShards) return `spill base ${c.nextBaseShard}`;
  if (!c.labelsDone) return `spill labels ${c.spills.reduce((a, b) => a + b, 0)}`;
  return `partition ${c.parts.length}`;
}

const partitionOf = (key: string, partitions: number) => hashKey(`partition:${key}`) % partitions;

/** Row buffers per partition, flushed as one spill frame each at the end of a step. */
class Spiller {
  private readonly c: Compaction;
  private readonly rows: number[][][];
  private readonly labels: number[][];
  constructor(c: Compaction) {
    this.c = c;
    this.rows = Array.from({ length: c.partitions }, () => []);
    this.labels = Array.from({ length: c.partitions }, () => []);
  }
  add(features: number[], label: number): void {
    const p = partitionOf(rowKey(features), this.c.partitions);
    this.rows[p].push(features);
    this.labels[p].push(label);
  }
  async flush(adapters: Adapters, tenantId: string): Promise<number[]> {
    const d = this.c.featureNames.length;
    const spills = [...this.c.spills];
    for (let p = 0; p < this.c.partitions; p++) {
      if (this.rows[p].length === 0) continue;
      const frame = labelledFrame(this.rows[p], this.labels[p], d);
      await adapters.shards.putShard(tenantId, this.c.setId, `spill-${p}`, spills[p]++, frame);
    }
    return spills;
  }
}

/** Does the next bounded piece of the compaction and returns the state after it. */
export async function compactStep(adapters: Adapters, tenantId: string, c: Compaction): Promise<Compaction> {
  if (c.nextBaseShard < c.baseShards) return spillBase(adapters, tenantId, c);
  if (!c.labelsDone) return spillLabels(adapters, tenantId, c);
  return dedupPartition(adapters, tenantId, c, c.parts.length);
}

async function spillBase(adapters: Adapters, tenantId: string, c: Compaction): Promise<Compaction> {
  const spiller = new Spiller(c);
  const d = c.featureNames.length;
  let { skipped, baseRows, nextBaseShard } = c;
  for (let n = 0; n < BASE_SHARDS_PER_STEP && nextBaseShard < c.baseShards; n++, nextBaseShard++) {
    const frame = await adapters.shards.getShard(tenantId, BASE_SET, "base", nextBaseShard);
    if (!frame?.labels || frame.featureCount !== d) throw new Error(`base shard ${nextBaseShard} is missing`);
    for (let i = 0; i < frame.rows; i++) {
      baseRows++;
      const features = rowOf(frame, i);
      if (firstOutOfRange(features) >= 0) skipped++;
      else spiller.add(features, frame.labels[i]);
    }
  }
  const spills = await spiller.flush(adapters, tenantId);
  const baseDone = nextBaseShard === c.baseShards;
  return { ...c, spills, baseSpills: baseDone ? spills : c.baseSpills, nextBaseShard, baseRows, skipped };
}

async function spillLabels(adapters: Adapters, tenantId: string, c: Compaction): Promise<Compaction> {
  const spiller = new Spiller(c);
  const d = c.featureNames.length;
  // The last few batches read stay at hand: labels given together mostly share batches.
  const recent = new Map<string, ScoredRows | null>();
  const rowsOf = async (batchId: string) => {
    if (!recent.has(batchId)) {
      const batch = await adapters.batches.findBatch(tenantId, batchId);
      recent.set(batchId, batch && (await readScoredRows(adapters, batch)));
      if (recent.size > RECENT_BATCHES) recent.delete(recent.keys().next().value as string);
    }
    return recent.get(batchId) ?? null;
  };
  let { labelCursor, skipped } = c;
  let labelsDone = false;
  for (let read = 0; read < LABELS_PER_STEP;) {
    const page = await adapters.feedback.labelledRows(tenantId, labelCursor, LABEL_PAGE);
    labelCursor = page.at(-1) ?? labelCursor;
    read += page.length;
    for (const { batchId, row, label } of page) {
      const scored = await rowsOf(batchId);
      const features = scored && row < scored.rows ? scored.featuresOf(row) : null;
      // Rows recorded before values were bounded may hold 1e200: skip them, never fail the run.
      if (!features || features.length !== d || firstOutOfRange(features) >= 0) skipped++;
      else spiller.add(features, label);
    }
    if (page.length < LABEL_PAGE) {
      labelsDone = true;
      break;
    }
  }
  const spills = await spiller.flush(adapters, tenantId);
  return { ...c, spills, labelCursor, labelsDone, skipped };
}

interface Entry {
  features: number[];
  label: number;
  fromBase: boolean;
}

/** Deduplicates partition p's spilled rows into its train, holdout, holdout-base and sample shards. */
async function dedupPartition(adapters: Adapters, tenantId: string, c: Compaction, p: number): Promise<Compaction> {
  const d = c.featureNames.length;
  const rows = new Map<string, Entry>();
  let [feedbackRows, relabelled, duplicates] = [0, 0, 0];
  for (let k = 0; k < c.spills[p]; k++) {
    const frame = await adapters.shards.getShard(tenantId, c.setId, `spill-${p}`, k);
    if (!frame?.labels) throw new Error(`spill ${k} of partition ${p} is missing`);
    const fromBase = k < c.baseSpills[p];
    for (let i = 0; i < frame.rows; i++) {
      const features = rowOf(frame, i);
      const label = frame.labels[i];
      const key = rowKey(features);
      const previous = rows.get(key);
      if (!fromBase) feedbackRows++;
      if (previous) {
        if (!fromBase && previous.label !== label) relabelled++;
        else duplicates++;
      }
      rows.set(key, {
        features,
        label,
        fromBase: fromBase || (previous?.fromBase === true && previous.label === label),
      });
    }
  }
  const keys = [...rows.keys()].sort();
  const parts = { train: [] as Entry[], holdout: [] as Entry[], holdoutBase: [] as Entry[], sample: [] as Entry[] };
  const lines: string[] = [];
  for (const key of keys) {
    const entry = rows.get(key) as Entry;
    lines.push(`${key}:${entry.label}`);
    if (!isHoldout(key)) {
      parts.train.push(entry);
      if (hashKey(`sample:${key}`) % c.sampleStride === 0) parts.sample.push(entry);
    } else (entry.fromBase ? parts.holdoutBase : parts.holdout).push(entry);
  }
  rows.clear();
  const put = (part: "train" | "holdout" | "holdout-base" | "sample", entries: Entry[]) =>
    adapters.shards.putShard(
      tenantId,
      c.setId,
      part,
      p,
      labelledFrame(
        entries.map((e) => e.features),
        entries.map((e) => e.label),
        d,
      ),
    );
  await put("train", parts.train);
  await put("holdout", parts.holdout);
  await put("holdout-base", parts.holdoutBase);
  await put("sample", parts.sample);
  const summary: PartitionSummary = {
    train: parts.train.length,
    trainOnes: parts.train.reduce((n, e) => n + e.label, 0),
    holdout: parts.holdout.length,
    holdoutBase: parts.holdoutBase.length,
    sample: parts.sample.length,
    feedbackRows,
    relabelled,
    duplicates,
    fingerprint: await sha256Hex(lines.join("\n")),
  };
  return { ...c, parts: [...c.parts, summary] };
}

/** The set's totals once every partition is done, in the figures a run records. */
export async function compactionTotals(c: Compaction) {
  const sum = (pick: (s: PartitionSummary) => number) => c.parts.reduce((n, s) => n + pick(s), 0);
  return {
    baseRows: c.baseRows,
    feedbackRows: sum((s) => s.feedbackRows),
    relabelled: sum((s) => s.relabelled),
    duplicates: sum((s) => s.duplicates),
    skipped: c.skipped,
    trainRows: sum((s) => s.train),
    trainOnes: sum((s) => s.trainOnes),
    holdoutRows: sum((s) => s.holdout + s.holdoutBase),
    holdoutBaseRows: sum((s) => s.holdoutBase),
    shards: c.partitions,
    fingerprint: await sha256Hex(c.parts.map((s) => s.fingerprint).join("\n")),
  };
}
