// What bench:api prints: each measurement next to its reference from the same run, then one
// block with every goal of issue 13, met or NOT met, with the figure that decides it.
import type { AcceptFigures } from "./accept.ts";
import type { BatchTiming, Kind, PredictTimes } from "./latency.ts";
import { median, ms, percentile, ratio } from "./stats.ts";
import type { WireRow } from "./wire.ts";

export interface Goal {
  label: string;
  /** null: a figure to report, with no threshold. */
  met: boolean | null;
  figure: string;
}

const KIB = 1024;
const kib = (bytes: number) => `${(bytes / KIB).toFixed(0)} KiB`;

export function printAccept(a: AcceptFigures, sizes: { json: number; arrow: number }, features: number): Goal[] {
  console.log(
    `\n(a) Accept CPU inside workerd: ${a.rows.toLocaleString("en-US")} × ${features} rows, gzip JSON ${kib(sizes.json)}, gzip Arrow ${kib(sizes.arrow)}; ${a.rounds} rounds of ${a.reps} runs each, order rotating`,
  );
  const row = (label: string, value: number, note = "") =>
    console.log(`  ${label.padEnd(40)} median ${ms(value)}${note}`);
  row("decompress + JSON.parse (reference)", a.medianMs.baseline);
  row(
    "JSON accept (no storage I/O)",
    a.medianMs.json,
    `  ${ratio(a.jsonToBaseline.ofMedians)} the reference (per-round median ${ratio(a.jsonToBaseline.perRound)})`,
  );
  row(
    "Arrow accept (no storage I/O)",
    a.medianMs.arrow,
    `  ${ratio(a.arrowToJson.ofMedians)} the JSON accept (per-round median ${ratio(a.arrowToJson.perRound)})`,
  );
  console.log(
    `  clock check: the reference three times takes ${a.threeToOne.toFixed(2)}x once (≈3 when time grows with the work); an empty section reads ${a.floorMs} ms; JSON and Arrow stored the same rows: ${a.sameRows ? "yes" : "NO"}`,
  );
  return [
    {
      label: "(a) JSON accept <= 1.5x (DecompressionStream + JSON.parse)",
      // Judged on the median of per-round ratios: each pair ran back to back, so a slow moment of
      // the machine moves both sides of a round together.
      met: a.jsonToBaseline.perRound <= 1.5,
      figure: `${ratio(a.jsonToBaseline.perRound)} (median of per-round ratios; medians ${ms(a.medianMs.json, 0)} / ${ms(a.medianMs.baseline, 0)} = ${ratio(a.jsonToBaseline.ofMedians)})`,
    },
    {
      label: "(a) Arrow accept <= 0.5x JSON accept",
      met: a.arrowToJson.perRound <= 0.5,
      figure: `${ratio(a.arrowToJson.perRound)} (median of per-round ratios; medians ${ms(a.medianMs.arrow, 0)} / ${ms(a.medianMs.json, 0)} = ${ratio(a.arrowToJson.ofMedians)})`,
    },
  ];
}

const p50 = (values: readonly number[]) => median(values);
const p99 = (values: readonly number[]) => percentile(values, 0.99);
const spread = (values: readonly number[]) => `p50 ${ms(p50(values))}  p99 ${ms(p99(values))}`;

export function printLatency(timings: BatchTiming[], predict: PredictTimes, shape: string): Goal[] {
  console.log(`\n(b) Latency through the local Worker (wrangler dev, loopback, one request at a time)`);
  const of = (kind: Kind) => timings.filter((t) => t.kind === kind);
  for (const kind of ["json", "arrow"] as const) {
    const batches = of(kind);
    const label = `POST → complete, ${shape} gzip ${kind === "json" ? "JSON" : "Arrow"} (${batches.length})`;
    console.log(`  ${label.padEnd(46)} ${spread(batches.map((t) => t.totalMs))}`);
    const at = (pick: (t: BatchTiming) => number) => ms(p50(batches.map(pick)), 0);
    console.log(
      `    p50 timeline from the POST: batch recorded ${at((t) => t.createdMs)}, 202 headers ${at((t) => t.headersMs)}, batch complete ${at((t) => t.completedMs)}, 202 body ${at((t) => t.acceptedMs)}, complete seen ${at((t) => t.totalMs)} (polls: p50 ${p50(batches.map((t) => t.polls))}, max ${Math.max(...batches.map((t) => t.polls))})`,
    );
  }
  const health = p50(predict.health);
  const line = (label: string, values: number[]) =>
    console.log(
      `  ${`${label} (${values.length})`.padEnd(46)} ${spread(values)}  ${ratio(p50(values) / health)} the health p50`,
    );
  line("GET /v1/health (reference)", predict.health);
  line("POST /v1/predict, 1 row", predict.predict);
  line('POST /v1/predict, 1 row, "log": false', predict.unlogged);
  const json = of("json").map((t) => t.totalMs);
  return [
    {
      label: "(b) POST → complete p50 <= 100 ms (1,000 × 30 gzip JSON)",
      met: p50(json) <= 100,
      figure: ms(p50(json), 0),
    },
    {
      label: "(b) POST → complete p99 <= 300 ms (1,000 × 30 gzip JSON)",
      met: p99(json) <= 300,
      figure: ms(p99(json), 0),
    },
    {
      label: "(b) /v1/predict (1 row) p50 <= 1.2x GET /v1/health p50",
      met: p50(predict.predict) <= 1.2 * health,
      figure: `${ratio(p50(predict.predict) / health)} (${ms(p50(predict.predict), 0)} / ${ms(health, 0)})`,
    },
  ];
}

export function printWire(rows: WireRow[], shape: string): Goal[] {
  console.log(`\n(c) Bytes on the wire per row, the same ${shape} rows in each encoding`);
  console.log(`  ${"".padEnd(26)} ${"4 decimals (sent)".padStart(24)} ${"full precision".padStart(24)}`);
  const [objects] = rows;
  const cell = (bytes: number, reference: number) =>
    `${bytes.toFixed(1).padStart(8)} B ${`(${((100 * bytes) / reference).toFixed(0)}%)`.padStart(7)}`.padStart(24);
  for (const row of rows)
    console.log(`  ${row.label.padEnd(26)} ${cell(row.rounded, objects.rounded)} ${cell(row.full, objects.full)}`);
  console.log(`  (%: of JSON objects with names)`);
  const figure = rows.map((r) => `${r.label} ${r.rounded.toFixed(0)} B`).join(", ");
  return [{ label: "(c) bytes per row, 4 decimals", met: null, figure }];
}

export function printGoals(goals: Goal[]): void {
  console.log(`\nGoals of issue 13 (every figure measured in this run)`);
  for (const goal of goals) {
    const verdict = goal.met === null ? "measured" : goal.met ? "met" : "NOT met";
    console.log(`  ${verdict.padEnd(8)} ${goal.label}: ${goal.figure}`);
  }
}
