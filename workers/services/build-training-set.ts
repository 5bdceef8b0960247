// The training set of a tenant's retrain: its base dataset (R2) plus every label it gave, joined to
// the exact feature vector that was scored (R2), deduplicated by feature vector with the
// latest label winning, then split into train and holdout by a hash of the features.
import { firstOutOfRange, isHoldout, rowKey, type Dataset } from "../../model/index.ts";
import type { Adapters } from "../adapters/index.ts";
import type { LabelCursor } from "../adapters/feedback-store.ts";
import { sha256Hex } from "../codecs/ids.ts";
import { readScoredRows, type ScoredRows } from "./scored-rows.ts";

export interface TrainingSet {
  train: Dataset;
  holdout: Dataset;
  /** 1 where the holdout row's label comes from the trusted base dataset. */
  holdoutIsBase: Uint8Array;
  /** `skipped`: rows left out because their width differs from the base data's or a value is non-finite or out of range. */
  stats: { baseRows: number; feedbackRows: number; relabelled: number; duplicates: number; skipped: number };
  fingerprint: string;
}

interface Entry {
  features: number[];
  label: number;
  fromBase: boolean;
}

const PAGE = 1000;
const RECENT_BATCHES = 4;

export async function buildTrainingSet(adapters: Adapters, tenantId: string, base: Dataset): Promise<TrainingSet> {
  const d = base.featureNames.length;
  const rows = new Map<string, Entry>();
  const stats = { baseRows: base.y.length, feedbackRows: 0, relabelled: 0, duplicates: 0, skipped: 0 };
  for (let i = 0; i < base.y.length; i++) {
    const features = Array.from(base.x.subarray(i * d, i * d + d));
    if (firstOutOfRange(features) >= 0) {
      stats.skipped++;
      continue;
    }
    const key = rowKey(features);
    if (rows.has(key)) stats.duplicates++;
    rows.set(key, { features, label: base.y[i], fromBase: true });
  }
  // Oldest label first, so a later label for the same vector replaces an earlier one. The
  // vectors come from the batches' rows in R2; the last few batches read stay at hand.
  const recent = new Map<string, ScoredRows | null>();
  const rowsOf = async (batchId: string) => {
    if (!recent.has(batchId)) {
      const batch = await adapters.batches.findBatch(tenantId, batchId);
      recent.set(batchId, batch && (await readScoredRows(adapters, batch)));
      if (recent.size > RECENT_BATCHES) recent.delete(recent.keys().next().value as string);
    }
    return recent.get(batchId) ?? null;
  };
  for (let after: LabelCursor | null = null; ;) {
    const page = await adapters.feedback.labelledRows(tenantId, after, PAGE);
    after = page.at(-1) ?? after;
    for (const { batchId, row, label } of page) {
      const scored = await rowsOf(batchId);
      if (!scored || row >= scored.rows) {
        stats.skipped++;
        continue;
      }
      const features = scored.featuresOf(row);
      // Rows recorded before values were bounded may hold 1e200: skip them, never fail the run.
      if (features.length !== d || firstOutOfRange(features) >= 0) {
        stats.skipped++;
        continue;
      }
      stats.feedbackRows++;
      const key = rowKey(features);
      const previous = rows.get(key);
      if (previous) {
        if (previous.label !== label) stats.relabelled++;
        else stats.duplicates++;
      }
      rows.set(key, { features, label, fromBase: previous?.fromBase === true && previous.label === label });
    }
    if (page.length < PAGE) break;
  }

  const train: Entry[] = [];
  const holdout: Entry[] = [];
  const ordered = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, entry] of ordered) (isHoldout(key) ? holdout : train).push(entry);
  const fingerprint = await sha256Hex(ordered.map(([key, e]) => `${key}:${e.label}`).join("\n"));
  return {
    train: toDataset(base.featureNames, train),
    holdout: toDataset(base.featureNames, holdout),
    holdoutIsBase: Uint8Array.from(holdout, (e) => (e.fromBase ? 1 : 0)),
    stats,
    fingerprint,
  };
}

function toDataset(featureNames: readonly string[], entries: Entry[]): Dataset {
  const d = featureNames.length;
  const x = new Float64Array(entries.length * d);
  const y = new Uint8Array(entries.length);
  entries.forEach((e, i) => {
    x.set(e.features, i * d);
    y[i] = e.label;
  });
  return { featureNames, x, y };
}
