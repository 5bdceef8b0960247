// Streams a batch as CSV: features, prediction (the label with its class name under the version
// that scored it) and latest label per row. The rows come from R2 (a batch's frames are at most a
// few MB) and leave as CSV in pages of 1,000 rows, so the text of a 10,000-row batch never sits in
// memory whole.
import type { Adapters } from "../adapters/index.ts";
import type { BatchRecord } from "../adapters/batch-store.ts";
import { loadVersion } from "./serving-model.ts";
import { readScoredRows } from "./scored-rows.ts";
import { NO_FACTS, versionFacts } from "./version-facts.ts";

const PAGE = 1000;

export async function exportBatchCsv(adapters: Adapters, batch: BatchRecord): Promise<ReadableStream<Uint8Array>> {
  const scored = batch.status === "complete" ? await readScoredRows(adapters, batch) : null;
  const labels = scored ? await adapters.feedback.labelsOfBatch(batch.id) : new Map();
  const facts = scored ? await versionFacts(adapters, batch.tenantId, scored.versions) : NO_FACTS;
  const names = scored
    ? [...(await loadVersion(adapters.models, batch.tenantId, scored.versions[0])).artifact.featureNames]
    : Array.from({ length: batch.featureCount }, (_, j) => `feature_${j + 1}`);
  const encoder = new TextEncoder();
  let next = -1;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next === -1) {
        next = 0;
        const header = [
          "row",
          "id",
          ...names,
          "label",
          "class",
          "margin",
          "model_version",
          "feedback_label",
          "feedback_source",
        ];
        controller.enqueue(encoder.encode(header.map(csvCell).join(",") + "\n"));
        return;
      }
      if (!scored || next >= scored.rows) return controller.close();
      const lines: string[] = [];
      for (const end = Math.min(scored.rows, next + PAGE); next < end; next++) {
        const label = labels.get(next);
        lines.push(
          [
            next,
            scored.ids?.[next] ?? "",
            ...scored.featuresOf(next),
            scored.labels[next],
            facts.className(scored.versions[next], scored.labels[next] === 1 ? 1 : 0),
            scored.margins[next],
            scored.versions[next],
            label?.label ?? "",
            label?.source ?? "",
          ]
            .map(csvCell)
            .join(","),
        );
      }
      controller.enqueue(encoder.encode(lines.join("\n") + "\n"));
    },
  });
}

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
export function csvCell(value: string | number): string {
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
