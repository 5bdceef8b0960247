// A seeded stand-in for the banknote data set, so the running system can train a first model
// with no external file. Each class is a multivariate normal with the class-conditional mean
// and covariance of the real data (UCI "banknote authentication", 1,372 rows: 762 of class 0,
// 610 of class 1), figures computed once from that file and rounded to six digits.
import type { ClassNames } from "./artifact-schema.ts";
import { factorCholesky } from "./linear-algebra.ts";
import { createRandom, shuffleInPlace } from "./random.ts";
import type { Dataset } from "./types.ts";

export const DEMO_FEATURE_NAMES = ["variance", "skewness", "curtosis", "entropy"] as const;

/**
 * What the demo's classes stand for: images of genuine and of forged banknotes. The UCI file
 * does not say which of its labels is which (test/fixtures/README.md); the demo takes the usual
 * reading, 0 genuine and 1 forged, as its own convention, claiming nothing about that file.
 */
export const DEMO_CLASS_NAMES: Readonly<ClassNames> = Object.freeze(["genuine", "forged"] as const);

const CLASS_ONE_SHARE = 610 / 1372;

const CLASSES = [
  {
    mean: [2.27669, 4.25663, 0.796718, -1.14764],
    covariance: [
      [4.07777, -2.35207, -2.15896, 1.78564],
      [-2.35207, 26.4072, -12.4992, -7.36479],
      [-2.15896, -12.4992, 10.4969, 2.85414],
      [1.78564, -7.36479, 2.85414, 4.51595],
    ],
  },
  {
    mean: [-1.86844, -0.993576, 2.14827, -1.24664],
    covariance: [
      [3.53885, 0.749234, -4.69054, 1.26244],
      [0.749234, 29.2128, -25.2447, -5.69676],
      [-4.69054, -25.2447, 27.6867, 3.00779],
      [1.26244, -5.69676, 3.00779, 4.28897],
    ],
  },
].map(({ mean, covariance }) => ({ mean, factor: factorCholesky(Float64Array.from(covariance.flat()), mean.length) }));

/**
 * `rows` banknote-like rows, round(rows·610/1372) of them class 1 in seeded random positions; each
 * row is μ + L·z with z standard normal and L·Lᵀ the class covariance (Gentle, Random Number
 * Generation and Monte Carlo Methods, §5.3.1). The same seed always gives the same data.
 */
export function generateDemoData(options: { rows: number; seed: number }): Dataset {
  const { rows, seed } = options;
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const random = createRandom(seed);
  const d = DEMO_FEATURE_NAMES.length;
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  shuffleInPlace(order, random);
  const ones = Math.round(rows * CLASS_ONE_SHARE);
  const y = new Uint8Array(rows);
  for (let k = 0; k < ones; k++) y[order[k]] = 1;

  const x = new Float64Array(rows * d);
  const z = new Float64Array(d);
  for (let i = 0; i < rows; i++) {
    const { mean, factor } = CLASSES[y[i]];
    for (let j = 0; j < d; j++) z[j] = random.nextNormal();
    for (let j = 0; j < d; j++) {
      let value = mean[j];
      for (let k = 0; k <= j; k++) value += factor[j * d + k] * z[k];
      x[i * d + j] = value;
    }
  }
  return { featureNames: [...DEMO_FEATURE_NAMES], x, y };
}
