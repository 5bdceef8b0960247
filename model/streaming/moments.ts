// Feature moments gathered shard by shard, for the standardisation and the "balanced" class
// weights of a streamed retrain. Each shard is summarised by the same two-pass mean and sum of
// squared deviations fitScaler uses, and summaries combine by Chan et al.'s pairwise update, so
// one shard gives fitScaler's numbers exactly and any cut or merge order agrees to rounding.
import type { ClassWeight, Scaler } from "../artifact-schema.ts";
import { checkShardShape, labelError } from "./shard.ts";
import type { Moments } from "./streaming-schema.ts";

/** The moments of no rows, the identity of mergeMoments. */
export function emptyMoments(d: number): Moments {
  return { count: 0, mean: new Array<number>(d).fill(0), m2: new Array<number>(d).fill(0), classCounts: [0, 0] };
}

/**
 * The moments of `m`'s rows and these `rows` more (x row-major rows × d, y 0/1); `m` is left
 * untouched. Refuses a label other than 0/1 or a non-finite feature, as checkDataset does: this
 * is the first pass over every row, so it is where bad data should stop a run.
 */
export function addRowsToMoments(m: Moments, x: Float64Array, y: Uint8Array, rows: number): Moments {
  const d = m.mean.length;
  checkShardShape(x, y, rows, d);
  if (rows === 0) return mergeMoments(m, emptyMoments(d));
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  let ones = 0;
  for (let i = 0; i < rows; i++) {
    if (y[i] > 1) throw labelError(i, y[i]);
    ones += y[i];
    const offset = i * d;
    for (let j = 0; j < d; j++) {
      const value = x[offset + j];
      if (!Number.isFinite(value)) throw new RangeError(`row ${i} of the shard, feature ${j}: ${value} is not finite`);
      mean[j] += value;
    }
  }
  for (let j = 0; j < d; j++) mean[j] /= rows;
  for (let i = 0; i < rows; i++) {
    const offset = i * d;
    for (let j = 0; j < d; j++) {
      const deviation = x[offset + j] - mean[j];
      m2[j] += deviation * deviation;
    }
  }
  const shard: Moments = {
    count: rows,
    mean: Array.from(mean),
    m2: Array.from(m2),
    classCounts: [rows - ones, ones],
  };
  return mergeMoments(m, shard);
}

/**
 * The moments of the union of two disjoint sets of rows (Chan, Golub & LeVeque, "Updating
 * formulae and a pairwise algorithm for computing sample variances", 1979):
 * mean = meanₐ + δ·n_b/n and M2 = M2ₐ + M2_b + δ²·nₐn_b/n, with δ = mean_b − meanₐ.
 */
export function mergeMoments(a: Moments, b: Moments): Moments {
  const d = a.mean.length;
  if (b.mean.length !== d) throw new RangeError(`cannot merge moments of ${d} and ${b.mean.length} features`);
  const classCounts: [number, number] = [a.classCounts[0] + b.classCounts[0], a.classCounts[1] + b.classCounts[1]];
  // An empty side is skipped rather than merged so that one shard's numbers pass through unrounded.
  if (a.count === 0 || b.count === 0) {
    const only = a.count === 0 ? b : a;
    return { count: only.count, mean: [...only.mean], m2: [...only.m2], classCounts };
  }
  const count = a.count + b.count;
  const shareB = b.count / count;
  const cross = (a.count * b.count) / count;
  const mean = new Array<number>(d);
  const m2 = new Array<number>(d);
  for (let j = 0; j < d; j++) {
    const delta = b.mean[j] - a.mean[j];
    mean[j] = a.mean[j] + delta * shareB;
    m2[j] = a.m2[j] + b.m2[j] + delta * delta * cross;
  }
  return { count, mean, m2, classCounts };
}

/** fitScaler's scaler from moments: the mean and the population std, 1 for a zero-variance feature. */
export function scalerFromMoments(m: Moments): Scaler {
  if (m.count === 0) throw new RangeError("a scaler needs at least one row");
  const scale = m.m2.map((sum) => {
    const std = Math.sqrt(sum / m.count);
    return std > 0 ? std : 1;
  });
  return { mean: [...m.mean], scale };
}

/**
 * Weights of class 0 and class 1 as resolveClassWeights gives them from the labels; "balanced" is
 * n / (2·n_class) (King & Zeng 2001, as scikit-learn defines it).
 */
export function classWeightsFromMoments(classWeight: ClassWeight, m: Moments): [number, number] {
  if (classWeight === null) return [1, 1];
  if (classWeight !== "balanced") return [classWeight["0"], classWeight["1"]];
  const [zeros, ones] = m.classCounts;
  return [m.count / (2 * zeros), m.count / (2 * ones)];
}
