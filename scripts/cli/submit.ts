// `edge-svm submit FILE.csv`: the file's feature columns (named like the model's features) in
// batches of --batch-rows, up to --parallel in flight, as gzip Arrow. Each batch's
// Idempotency-Key comes from a hash of the file's bytes (and the batching) and the batch's index,
// so a run that is interrupted and started again gets the same batches back, never a second copy.
// --wait waits for every batch; --out (which implies --wait) writes one prediction per input row,
// its label's class name beside it.
import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { ApiRequestError, type BatchResult } from "../../client/index.ts";
import { LIMITS } from "../../workers/contract/limits.ts";
import { connect, integerOption, parse } from "./common.ts";
import { columnIndexes, numberCell, readCsv, readInputFile } from "./csv-input.ts";
import { BatchFailedError, UsageError } from "./errors.ts";
import { InOrder, Progress, runPool } from "./progress.ts";

/** How long one batch may stay pending under --wait. */
const WAIT_MS = 30 * 60_000;

interface Batch {
  index: number;
  /** The file row (0-based, header excluded) of the batch's first row. */
  firstRow: number;
  columns: Record<string, Float64Array>;
  ids?: string[];
}

export async function submit(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    wait: { type: "boolean" },
    out: { type: "string" },
    "id-column": { type: "string" },
    "batch-rows": { type: "string" },
    parallel: { type: "string" },
  });
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError("submit needs a CSV file: edge-svm submit FILE.csv");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const batchRows = integerOption(values["batch-rows"], "batch-rows", LIMITS.maxBatchRows, LIMITS.maxBatchRows);
  const parallel = integerOption(values.parallel, "parallel", 4, 32);
  const idColumn = values["id-column"];
  const wait = values.wait === true || values.out !== undefined;

  const bytes = readInputFile(file);
  const { client } = connect(values.config);
  const me = await client.me();
  const features = me.model.featureNames;
  if (!me.model.active || features.length === 0)
    throw new ApiRequestError(503, "MODEL_UNAVAILABLE", me.model.error ?? me.model.hint ?? "the tenant has no model");

  const csv = readCsv(bytes.toString("utf8"), file);
  const featureAt = columnIndexes(csv.header, features, file, "a feature of the model");
  const idAt = idColumn === undefined ? null : columnIndexes(csv.header, [idColumn], file, "--id-column")[0];
  const fileHash = createHash("sha256").update(bytes).digest("hex");
  const keyBase = createHash("sha256")
    .update(JSON.stringify({ fileHash, batchRows, idColumn: idColumn ?? null, features }))
    .digest("hex")
    .slice(0, 40);
  const batchCount = Math.ceil(csv.count / batchRows);
  if (batchCount === 0) throw new UsageError(`${file} has a header but no rows`);

  function* batches(): Generator<Batch> {
    let index = 0;
    let rows: { line: number; cells: string[] }[] = [];
    const flush = (): Batch => {
      const columns = Object.fromEntries(
        features.map((name, j) => [
          name,
          Float64Array.from(rows, ({ cells, line }) => numberCell(cells[featureAt[j]], name, line, file)),
        ]),
      );
      const ids = idAt === null ? undefined : rows.map(({ cells }) => cells[idAt]);
      const batch = { index, firstRow: index * batchRows, columns, ids };
      index++;
      rows = [];
      return batch;
    };
    for (const row of csv.rows) {
      rows.push(row);
      if (rows.length === batchRows) yield flush();
    }
    if (rows.length > 0) yield flush();
  }

  const progress = new Progress(csv.count);
  const accepted: { index: number; firstRow: number; rows: number; batchId: string }[] = [];
  const printIds = new InOrder<string>((batchId) => process.stdout.write(`${batchId}\n`));
  await runPool(batches(), parallel, async (batch) => {
    const answer = await client.submitBatch(
      { columns: batch.columns, ids: batch.ids },
      { idempotencyKey: `edge-svm-cli:${keyBase}:${batch.index}` },
    );
    accepted[batch.index] = {
      index: batch.index,
      firstRow: batch.firstRow,
      rows: answer.rows,
      batchId: answer.batchId,
    };
    progress.accept(answer.rows, answer.batchId, batch.index);
    printIds.push(batch.index, answer.batchId);
  }).finally(() => progress.done());
  if (!wait) return;

  const out = values.out === undefined ? null : openSync(values.out, "w");
  if (out !== null) writeSync(out, "row,id,label,class,probability,margin,modelVersion\n");
  const write = new InOrder<string>((text) => out !== null && writeSync(out, text));
  const failed: string[] = [];
  try {
    await runPool(accepted, parallel, async (batch) => {
      const result = await client.waitForBatch(batch.batchId, { timeoutMs: WAIT_MS });
      if (result.status === "failed") failed.push(`${batch.batchId} (rows ${batch.firstRow}…): ${result.error}`);
      else progress.score(batch.rows, batch.batchId, batch.index);
      write.push(batch.index, out === null ? "" : predictionLines(result, batch.firstRow));
    });
  } finally {
    progress.done();
    if (out !== null) closeSync(out);
  }
  if (failed.length > 0)
    throw new BatchFailedError(`${failed.length} of ${batchCount} batches failed: ${failed.join("; ")}`);
}

/** The CSV lines of a batch's predictions, in row order, numbered by file row. */
function predictionLines(result: BatchResult, firstRow: number): string {
  const predictions = [...result.predictions].sort((a, b) => a.row - b.row);
  return predictions
    .map((p) =>
      [
        firstRow + p.row,
        csvCell(p.id ?? ""),
        p.label,
        // A server from before class names sends none: the label names itself.
        csvCell(p.className ?? String(p.label)),
        p.probability ?? "",
        p.margin,
        p.modelVersion,
      ].join(","),
    )
    .map((line) => `${line}\n`)
    .join("");
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
