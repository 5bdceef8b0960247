// Goal (a), accept CPU measured inside workerd: POST /v1/_bench/accept (the Worker's bench-only
// route, on with --var BENCH:on) with a gzip JSON batch and a gzip Arrow stream of the same
// 10,000 × 30 rows. Each call runs rounds of [decompress + JSON.parse], [JSON accept] and
// [Arrow accept] in rotating order (workers/services/bench-accept.ts); several calls give the
// rounds this module sums up.
import { median } from "./stats.ts";

type Section = "baseline" | "json" | "arrow";

interface AcceptAnswer {
  rows: number;
  sameRows: boolean;
  reps: number;
  rounds: { order: Section[]; ms: Record<Section, number> }[];
  clock: { floorMs: number[]; oneMs: number[]; threeMs: number[]; threeToOne: number[] };
}

export interface AcceptFigures {
  rows: number;
  rounds: number;
  reps: number;
  sameRows: boolean;
  /** Median milliseconds per run of each section. */
  medianMs: Record<Section, number>;
  /** JSON accept / baseline and Arrow accept / JSON accept: of the medians, and the median of each round's. */
  jsonToBaseline: { ofMedians: number; perRound: number };
  arrowToJson: { ofMedians: number; perRound: number };
  /** The clock check: an empty section, and the baseline three times against once (≈3 when honest). */
  floorMs: number;
  threeToOne: number;
}

export async function callAccept(
  url: string,
  key: string,
  bodies: { json: Uint8Array; arrow: Uint8Array },
  rounds: number,
): Promise<AcceptAnswer> {
  const body = new Uint8Array(bodies.json.byteLength + bodies.arrow.byteLength);
  body.set(bodies.json);
  body.set(bodies.arrow, bodies.json.byteLength);
  const response = await fetch(`${url}/v1/_bench/accept?jsonBytes=${bodies.json.byteLength}&rounds=${rounds}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/octet-stream" },
    body,
  });
  if (!response.ok) throw new Error(`POST /v1/_bench/accept answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as AcceptAnswer;
}

/** `calls` calls of `rounds` rounds each, summed up. */
export async function measureAccept(
  url: string,
  key: string,
  bodies: { json: Uint8Array; arrow: Uint8Array },
  calls: number,
  rounds: number,
): Promise<AcceptFigures> {
  const answers: AcceptAnswer[] = [];
  for (let c = 0; c < calls; c++) answers.push(await callAccept(url, key, bodies, rounds));
  const all = answers.flatMap((a) => a.rounds.map((r) => r.ms));
  const medianMs = {
    baseline: median(all.map((r) => r.baseline)),
    json: median(all.map((r) => r.json)),
    arrow: median(all.map((r) => r.arrow)),
  };
  return {
    rows: answers[0].rows,
    rounds: all.length,
    reps: answers[0].reps,
    sameRows: answers.every((a) => a.sameRows),
    medianMs,
    jsonToBaseline: {
      ofMedians: medianMs.json / medianMs.baseline,
      perRound: median(all.map((r) => r.json / r.baseline)),
    },
    arrowToJson: {
      ofMedians: medianMs.arrow / medianMs.json,
      perRound: median(all.map((r) => r.arrow / r.json)),
    },
    floorMs: median(answers.flatMap((a) => a.clock.floorMs)),
    threeToOne: median(answers.flatMap((a) => a.clock.threeToOne)),
  };
}
