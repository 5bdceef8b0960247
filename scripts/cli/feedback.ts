// `edge-svm feedback FILE.csv`: true labels, posted per batch. Columns batchId,row,label (row:
// the batch's row index; or batchId,id,label with the client ids given at submit), or
// predictionId,label for rows scored by POST /v1/predict. At most 10,000 labels per request.
import { type BatchFeedback } from "../../client/index.ts";
import { LIMITS } from "../../workers/contract/limits.ts";
import { connect, parse } from "./common.ts";
import { columnIndexes, readCsv, readInputFile, type CsvLine } from "./csv-input.ts";
import { UsageError } from "./errors.ts";

type Label = 0 | 1;

export async function feedback(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {});
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError("feedback needs a CSV file: edge-svm feedback FILE.csv");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const csv = readCsv(readInputFile(file).toString("utf8"), file);
  const { header } = csv;
  const { client } = connect(values.config);
  const [labelAt] = columnIndexes(header, ["label"], file, "the true label, 0 or 1");
  const label = (row: CsvLine): Label => {
    const cell = row.cells[labelAt];
    if (cell !== "0" && cell !== "1") throw new UsageError(`${file} line ${row.line}: label "${cell}" is not 0 or 1`);
    return cell === "0" ? 0 : 1;
  };

  if (header.includes("predictionId")) {
    const [idAt] = columnIndexes(header, ["predictionId"], file, "");
    const ids: string[] = [];
    const labels: Label[] = [];
    for (const row of csv.rows) {
      ids.push(row.cells[idAt]);
      labels.push(label(row));
    }
    if (ids.length === 0) throw new UsageError(`${file} has a header but no rows`);
    let accepted = 0;
    for (let start = 0; start < ids.length; start += LIMITS.maxFeedbackLabels) {
      const end = start + LIMITS.maxFeedbackLabels;
      accepted += (await client.sendPredictionFeedback(ids.slice(start, end), labels.slice(start, end))).accepted;
    }
    console.log(`${accepted} labels accepted for ${ids.length} predictions`);
    return;
  }

  const byRow = header.includes("row");
  if (!byRow && !header.includes("id"))
    throw new UsageError(`${file} needs columns batchId,row,label (or batchId,id,label, or predictionId,label)`);
  const [batchAt, keyAt] = columnIndexes(header, ["batchId", byRow ? "row" : "id"], file, "");
  const groups = new Map<string, { keys: (number | string)[]; labels: Label[] }>();
  for (const row of csv.rows) {
    const cell = row.cells[keyAt];
    if (byRow && !/^\d+$/.test(cell))
      throw new UsageError(`${file} line ${row.line}: row "${cell}" is not a row index`);
    const group = groups.get(row.cells[batchAt]) ?? { keys: [], labels: [] };
    groups.set(row.cells[batchAt], group);
    group.keys.push(byRow ? Number(cell) : cell);
    group.labels.push(label(row));
  }
  if (groups.size === 0) throw new UsageError(`${file} has a header but no rows`);
  let total = 0;
  for (const [batchId, { keys, labels }] of groups) {
    let accepted = 0;
    for (let start = 0; start < keys.length; start += LIMITS.maxFeedbackLabels) {
      const end = start + LIMITS.maxFeedbackLabels;
      const part = keys.slice(start, end);
      const body: BatchFeedback = byRow
        ? { rows: part as number[], labels: labels.slice(start, end) }
        : { ids: part as string[], labels: labels.slice(start, end) };
      accepted += (await client.sendFeedback(batchId, body)).accepted;
    }
    total += accepted;
    console.log(`${batchId}: ${accepted} labels accepted`);
  }
  console.log(`${total} labels accepted for ${groups.size} batch${groups.size === 1 ? "" : "es"}`);
}
