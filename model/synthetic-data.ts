// Seeded synthetic classification data of any width, for benchmarks and for tests that must not
// assume the banknote schema. Modelled on the generator of Guyon ("Design of experiments for the
// NIPS 2003 variable selection benchmark"), as in scikit-learn's make_classification: Gaussian
// clusters on hypercube vertices, redundant linear mixtures, pure-noise features, label noise.
import { createRandom, shuffleInPlace } from "./random.ts";
import type { Dataset } from "./types.ts";

export type SyntheticOptions = {
  rows: number;
  features: number;
  /** Features that carry the class signal; needs 2^informative ≥ 4 for two clusters per class. */
  informative: number;
  /** Random linear combinations of the informative features. */
  redundant: number;
  /** Share of rows whose label is replaced by a random class. */
  flip: number;
  /** Half the side of the hypercube the cluster centres sit on. */
  classSep: number;
  seed: number;
};

const CLUSTERS_PER_CLASS = 2;

/** Rows of f0…f{features−1}: informative, then redundant, then noise; classes balanced before flips. */
export function generateClassification(options: SyntheticOptions): Dataset {
  const { rows, features: d, informative, redundant, flip, classSep, seed } = options;
  const clusters = 2 * CLUSTERS_PER_CLASS;
  if (informative + redundant > d) throw new RangeError("informative + redundant exceeds features");
  if (informative < 2 || informative > 30) throw new RangeError("informative must be within 2..30");
  const random = createRandom(seed);
  const uniform = (): number => 2 * random.nextFloat() - 1;

  const vertices = new Set<number>();
  while (vertices.size < clusters) vertices.add(random.nextInt(2 ** informative));
  const centres = [...vertices].map((vertex) =>
    Array.from({ length: informative }, (_, j) => (Math.floor(vertex / 2 ** j) % 2 === 1 ? classSep : -classSep)),
  );
  const mixings = centres.map(() => Float64Array.from({ length: informative * informative }, uniform));
  const redundancy = Float64Array.from({ length: informative * redundant }, uniform);

  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  shuffleInPlace(order, random);
  const x = new Float64Array(rows * d);
  const y = new Uint8Array(rows);
  const z = new Float64Array(informative);
  for (let i = 0; i < rows; i++) {
    const cluster = order[i] % clusters;
    const offset = i * d;
    for (let k = 0; k < informative; k++) z[k] = random.nextNormal();
    for (let j = 0; j < informative; j++) {
      let value = centres[cluster][j];
      for (let k = 0; k < informative; k++) value += z[k] * mixings[cluster][k * informative + j];
      x[offset + j] = value;
    }
    for (let r = 0; r < redundant; r++) {
      let value = 0;
      for (let k = 0; k < informative; k++) value += x[offset + k] * redundancy[k * redundant + r];
      x[offset + informative + r] = value;
    }
    for (let j = informative + redundant; j < d; j++) x[offset + j] = random.nextNormal();
    y[i] = random.nextFloat() < flip ? random.nextInt(2) : cluster % 2;
  }
  return { featureNames: Array.from({ length: d }, (_, j) => `f${j}`), x, y };
}
