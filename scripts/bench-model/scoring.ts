// The scoring kernels against the simplest loop that does the same arithmetic. A ratio of two
// medians measured one after the other mostly measures the order they ran in (a figure of 1.34×
// once came from that alone), so each figure here is the median of per-round ratios over rounds
// that alternate which side goes first, printed beside the same measurement of two identical
// loops: how far from 1.00× identical code lands is the noise floor to read the others against.
import { scoreMatrix, scoreRows, type CompiledModel } from "../../model/index.ts";
import { interleave, median, medianRoundRatio, times, type Side } from "./timing.ts";

const ROUNDS = 31;
const CALLS_PER_BLOCK = 10;
const WARM_UP_CALLS = 50;

/** The baseline: the simplest loop over the same packed rows and the same raw-space weights. */
function plainDot(compiled: CompiledModel, x: Float64Array, out: Float64Array): void {
  const w = compiled.weights;
  const d = w.length;
  for (let i = 0; i < out.length; i++) {
    let sum = compiled.bias;
    for (let j = 0; j < d; j++) sum += w[j] * x[i * d + j];
    out[i] = sum;
  }
}

/** plainDot verbatim under another name: V8 compiles and optimises it on its own, like a rival would be. */
function plainDotCopy(compiled: CompiledModel, x: Float64Array, out: Float64Array): void {
  const w = compiled.weights;
  const d = w.length;
  for (let i = 0; i < out.length; i++) {
    let sum = compiled.bias;
    for (let j = 0; j < d; j++) sum += w[j] * x[i * d + j];
    out[i] = sum;
  }
}

/** What a caller would do to use scoreMatrix on parsed JSON rows. */
function packRows(parsedRows: number[][], width: number): Float64Array {
  const packedRows = new Float64Array(parsedRows.length * width);
  for (let i = 0; i < parsedRows.length; i++) {
    const row = parsedRows[i];
    for (let j = 0; j < width; j++) packedRows[i * width + j] = row[j];
  }
  return packedRows;
}

/** Times blocks of calls, so each sample is far above the timer's resolution; seconds per call. */
function blockSide(name: string, call: () => void): Side {
  return {
    name,
    warmUp: () => {
      for (let k = 0; k < WARM_UP_CALLS; k++) call();
    },
    round: () => {
      const started = performance.now();
      for (let k = 0; k < CALLS_PER_BLOCK; k++) call();
      return [(performance.now() - started) / 1000 / CALLS_PER_BLOCK];
    },
  };
}

/** Time per call of `a` ÷ that of `b`, median over the interleaved rounds; also b's median seconds. */
function versus(a: Side, b: Side): { ratio: number; baseSeconds: number } {
  const measured = interleave(a, b, ROUNDS);
  return { ratio: medianRoundRatio(measured), baseSeconds: median(measured.b.flat()) };
}

/** Prints the scoring section for `batchRows` rows of `x` (row-major, the model's width). */
export function benchScoring(compiled: CompiledModel, x: Float64Array, batchRows: number): void {
  const d = compiled.weights.length;
  const packed = x.slice(0, batchRows * d);
  const parsed = Array.from({ length: batchRows }, (_, i) => Array.from(packed.subarray(i * d, i * d + d)));
  const out = new Float64Array(batchRows);
  const plain = blockSide("plain loop", () => plainDot(compiled, packed, out));

  console.log(
    `\n## Scoring, ${batchRows.toLocaleString("en")}-row batches × ${d} features: time ÷ the plain loop's, ` +
      `median of ${ROUNDS} per-round ratios, rounds alternating which goes first`,
  );
  const copy = versus(
    blockSide("copy", () => plainDotCopy(compiled, packed, out)),
    plain,
  );
  const matrix = versus(
    blockSide("scoreMatrix", () => scoreMatrix(compiled, packed)),
    plain,
  );
  const rows = versus(
    blockSide("scoreRows", () => scoreRows(compiled, parsed)),
    plain,
  );
  const packing = versus(
    blockSide("packRows", () => packRows(parsed, d)),
    blockSide("scoreRows", () => scoreRows(compiled, parsed)),
  );
  const rate = `${(batchRows / matrix.baseSeconds / 1e6).toFixed(1)} M rows/s`;
  console.log(`plain dot loop (Float64Array)       ${rate} (its median in the scoreMatrix rounds)`);
  console.log(`plain loop vs a copy of itself:     ${times(copy.ratio)}  (the noise floor: identical code)`);
  console.log(`scoreMatrix (Float64Array):         ${times(matrix.ratio)}`);
  console.log(`scoreRows (number[][]):             ${times(rows.ratio)}`);
  console.log(`packing number[][] first:           ${times(packing.ratio)} the time of scoreRows itself`);
}
