// The in-memory twin of feedback-store.ts, over the tables it shares with the batch and metrics
// twins (data.ts). recordLabels runs the real store's three statements in the same order and as
// one step: take back from the rollups what the labels about to be replaced had added (at the
// hour of their own labelled_at), upsert the labels (a label replaces one given at the same time
// or earlier, only for rows of the tenant's batches), add what the labels that won now say (at the
// hour of this event). Entries are walked one by one as json_each walks them, duplicates included.
import { hourOf } from "../../services/rollup.ts";
import type { FeedbackStore, JudgedLabel } from "../feedback-store.ts";
import { addToRollup, compareText, labelKey, limited, type FeedbackRow, type MemoryData } from "./data.ts";

const HOUR_MS = 3_600_000;

/** The take-back's hour: SQLite's CAST(labelled_at / 3600000 AS INTEGER) truncates toward zero. */
const truncatedHour = (ms: number) => Math.trunc(ms / HOUR_MS) * HOUR_MS;

/** Counts per (hour, version), then added to the rollups as one GROUP BY would. */
function tally() {
  const groups = new Map<
    string,
    { hour: number; modelVersion: string; labelled: number; correct: number; positives: number; truePositives: number }
  >();
  return {
    add(hour: number, label: FeedbackRow) {
      const key = JSON.stringify([hour, label.modelVersion]);
      const group = groups.get(key) ?? {
        hour,
        modelVersion: label.modelVersion,
        labelled: 0,
        correct: 0,
        positives: 0,
        truePositives: 0,
      };
      group.labelled++;
      if (label.label === label.predicted) group.correct++;
      if (label.label === 1) group.positives++;
      if (label.label === 1 && label.predicted === 1) group.truePositives++;
      groups.set(key, group);
    },
    apply(data: MemoryData, tenantId: string, sign: 1 | -1) {
      for (const g of groups.values()) {
        addToRollup(data, {
          tenantId,
          hour: g.hour,
          modelVersion: g.modelVersion,
          labelled: sign * g.labelled,
          correct: sign * g.correct,
          labelledPositives: sign * g.positives,
          truePositives: sign * g.truePositives,
        });
      }
    },
  };
}

export function createMemoryFeedbackStore(data: MemoryData): FeedbackStore {
  const ownLabel = (tenantId: string, entry: JudgedLabel) => {
    const label = data.feedback.get(labelKey(entry.batchId, entry.row));
    return label?.tenantId === tenantId ? label : null;
  };

  return {
    async recordLabels(tenantId, entries, source, labelledAt) {
      const now = Date.now();
      const takenBack = tally();
      for (const entry of entries) {
        const old = ownLabel(tenantId, entry);
        if (old && old.labelledAt <= labelledAt) takenBack.add(truncatedHour(old.labelledAt), old);
      }
      takenBack.apply(data, tenantId, -1);

      for (const entry of entries) {
        if (data.batches.get(entry.batchId)?.tenantId !== tenantId) continue;
        const key = labelKey(entry.batchId, entry.row);
        const old = data.feedback.get(key);
        if (old && labelledAt < old.labelledAt) continue;
        const fresh = {
          label: entry.label,
          predicted: entry.predicted,
          modelVersion: entry.modelVersion,
          source,
          labelledAt,
          receivedAt: now,
        };
        // The conflict's update leaves tenant_id as it was.
        data.feedback.set(
          key,
          old ? { ...old, ...fresh } : { batchId: entry.batchId, row: entry.row, tenantId, ...fresh },
        );
      }

      const added = tally();
      for (const entry of entries) {
        const won = ownLabel(tenantId, entry);
        if (won && won.labelledAt === labelledAt && won.source === source && won.label === entry.label) {
          added.add(hourOf(labelledAt), won);
        }
      }
      added.apply(data, tenantId, 1);
    },

    async labelledRows(tenantId, after, limit) {
      const from = after ?? { labelledAt: -1, batchId: "", row: -1 };
      // The row value comparison (labelled_at, batch_id, row) > (…): the keyset order.
      const order = (a: { labelledAt: number; batchId: string; row: number }, b: typeof a) =>
        a.labelledAt - b.labelledAt || compareText(a.batchId, b.batchId) || a.row - b.row;
      const page = [...data.feedback.values()].filter((f) => f.tenantId === tenantId && order(f, from) > 0);
      return limited(page.sort(order), limit).map((f) => ({
        labelledAt: f.labelledAt,
        batchId: f.batchId,
        row: f.row,
        label: f.label as 0 | 1,
      }));
    },

    async findScored(tenantId, pairs) {
      const scored = new Set<string>();
      for (const { batchId, row } of pairs) {
        const batch = data.batches.get(batchId);
        // As the real query: the row is checked against the batch's size only from above.
        if (batch?.tenantId === tenantId && batch.status === "complete" && row < batch.rows) {
          scored.add(`${batchId}.${row}`);
        }
      }
      return scored;
    },

    async labelsOfBatch(batchId) {
      const labels = new Map<number, { label: number; source: string }>();
      for (const f of data.feedback.values()) {
        if (f.batchId === batchId) labels.set(f.row, { label: f.label, source: f.source });
      }
      return labels;
    },
  };
}
