// Streams a batch as CSV: features, prediction and latest feedback per row, read from D1 in
// pages so a 10,000-row batch never sits in memory whole.
import type { Adapters } from "../adapters/index.ts";
import type { BatchRecord } from "../adapters/batch-store.ts";
import { loadVersion } from "./serving-model.ts";

const PAGE = 1000;

export async function exportBatchCsv(adapters: Adapters, batch: BatchRecord): Promise<ReadableStream<Uint8Array>> {
  const first = await adapters.batches.readExportPage(batch.id, -1, 1);
  const names = first[0]
    ? [...(await loadVersion(adapters.models, batch.tenantId, first[0].modelVersion)).artifact.featureNames]
    : Array.from({ length: batch.featureCount }, (_, j) => `feature_${j + 1}`);
  const encoder = new TextEncoder();
  let after = -1;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        const header = ["row", "id", ...names, "label", "margin", "model_version", "feedback_label", "feedback_source"];
        controller.enqueue(encoder.encode(header.map(csvCell).join(",") + "\n"));
        return;
      }
      const page = await adapters.batches.readExportPage(batch.id, after, PAGE);
      if (page.length === 0) return controller.close();
      after = page[page.length - 1].row;
      const lines = page.map((r) =>
        [
          r.row,
          r.clientId ?? "",
          ...(JSON.parse(r.features) as number[]),
          r.label,
          r.margin,
          r.modelVersion,
          r.feedbackLabel ?? "",
          r.feedbackSource ?? "",
        ]
          .map(csvCell)
          .join(","),
      );
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
