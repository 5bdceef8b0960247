// Feature drift: the Population Stability Index of recent values against the training
// deciles stored in the artifact. Deciles split training data into ten 10% bins, so PSI
// compares recent bin shares with 0.1 each: PSI = Σ (pᵢ − qᵢ)·ln(pᵢ/qᵢ) (Siddiqi 2006;
// Yurdakul 2018). Rule of thumb: < 0.1 stable, 0.1–0.25 shifting, > 0.25 drifted.
export const DRIFT_THRESHOLD = 0.25;
const EPSILON = 1e-4;

/** PSI of `values` against training deciles [p0, p10, …, p100]; 0 for no values. */
export function computePsi(deciles: readonly number[], values: ArrayLike<number>): number {
  const counts = new Array<number>(Math.max(deciles.length - 1, 0)).fill(0);
  addBinCounts(deciles, values, 0, values.length, counts, 0);
  return psiFromCounts(counts);
}

/**
 * PSI of one feature's bin counts against an even share per bin (1/bins, the deciles' 10%):
 * Σ (pᵢ − qᵢ)·ln(pᵢ/qᵢ), with empty bins floored at EPSILON so ln stays finite (Siddiqi 2006).
 * 0 when there are no counts or no bins.
 */
export function psiFromCounts(counts: ArrayLike<number>): number {
  const bins = counts.length;
  let total = 0;
  for (let b = 0; b < bins; b++) total += counts[b];
  if (total === 0 || bins < 1) return 0;
  const expected = 1 / bins;
  let psi = 0;
  for (let b = 0; b < bins; b++) {
    const actual = Math.max(counts[b] / total, EPSILON);
    psi += (actual - expected) * Math.log(actual / expected);
  }
  return psi;
}

/**
 * Every feature's bin counts over a column-major matrix (feature j of row i at j·rows + i), as
 * row frames store features, flattened feature-major: feature j's bins at j·bins … j·bins + bins − 1.
 * All features must have the same number of bins; psiFromCounts of one feature's run equals
 * computePsi of its values, so counts from many frames can be summed before taking PSI.
 */
export function featureBinCounts(
  deciles: readonly (readonly number[])[],
  columns: Float64Array,
  rows: number,
): number[] {
  const d = deciles.length;
  if (!Number.isInteger(rows) || rows < 0 || columns.length !== rows * d) {
    throw new RangeError(`${columns.length} values are not ${rows} rows of ${d} features`);
  }
  const bins = d > 0 ? Math.max(deciles[0].length - 1, 0) : 0;
  const uneven = deciles.findIndex((q) => Math.max(q.length - 1, 0) !== bins);
  if (uneven >= 0) throw new RangeError(`feature ${uneven} has ${deciles[uneven].length - 1} bins, not ${bins}`);
  const counts = new Array<number>(d * bins).fill(0);
  for (let j = 0; j < d; j++) addBinCounts(deciles[j], columns, j * rows, (j + 1) * rows, counts, j * bins);
  return counts;
}

/** Adds the bins of values[from … to) into counts[at …]; nothing when there are no bins. */
function addBinCounts(
  deciles: readonly number[],
  values: ArrayLike<number>,
  from: number,
  to: number,
  counts: number[],
  at: number,
): void {
  if (deciles.length < 2) return;
  for (let i = from; i < to; i++) counts[at + binOf(deciles, values[i])]++;
}

/** The decile bin of a value; values outside the training range fall into the end bins. */
function binOf(deciles: readonly number[], value: number): number {
  const inner = deciles.length - 1;
  for (let b = 1; b < inner; b++) if (value < deciles[b]) return b - 1;
  return inner - 1;
}
