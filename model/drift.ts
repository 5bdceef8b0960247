// Feature drift: the Population Stability Index of recent values against the training
// deciles stored in the artifact. Deciles split training data into ten 10% bins, so PSI
// compares recent bin shares with 0.1 each: PSI = Σ (pᵢ − qᵢ)·ln(pᵢ/qᵢ) (Siddiqi 2006;
// Yurdakul 2018). Rule of thumb: < 0.1 stable, 0.1–0.25 shifting, > 0.25 drifted.
export const DRIFT_THRESHOLD = 0.25;
const EPSILON = 1e-4;

/** PSI of `values` against training deciles [p0, p10, …, p100]; 0 for no values. */
export function computePsi(deciles: readonly number[], values: ArrayLike<number>): number {
  const bins = deciles.length - 1;
  if (values.length === 0 || bins < 1) return 0;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) counts[binOf(deciles, values[i])]++;
  const expected = 1 / bins;
  let psi = 0;
  for (const count of counts) {
    const actual = Math.max(count / values.length, EPSILON);
    psi += (actual - expected) * Math.log(actual / expected);
  }
  return psi;
}

/** The decile bin of a value; values outside the training range fall into the end bins. */
function binOf(deciles: readonly number[], value: number): number {
  const inner = deciles.length - 1;
  for (let b = 1; b < inner; b++) if (value < deciles[b]) return b - 1;
  return inner - 1;
}
