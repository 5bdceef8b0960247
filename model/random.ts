// Seeded pseudo-random numbers, so shuffles, splits and demo data are reproducible from a seed.
// The generator is xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
// generators", 2018) with its state filled by splitmix32, as its authors recommend.

export type Random = {
  /** Uniform in [0, 1) with 32 bits of resolution. */
  readonly nextFloat: () => number;
  /** Uniform integer in [0, bound). */
  readonly nextInt: (bound: number) => number;
  /** Standard normal, by the Marsaglia polar method. */
  readonly nextNormal: () => number;
};

const TWO_POW_32 = 4294967296;

/** A generator seeded by any 32-bit integer (xoshiro128**, Blackman & Vigna 2018). */
export function createRandom(seed: number): Random {
  let mix = seed | 0;
  const nextMix = (): number => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = nextMix();
  let s1 = nextMix();
  let s2 = nextMix();
  let s3 = nextMix();

  const nextUint32 = (): number => {
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotateLeft(s3, 11);
    return result;
  };
  const nextFloat = (): number => nextUint32() / TWO_POW_32;
  const nextInt = (bound: number): number => Math.floor(nextFloat() * bound);

  let spare: number | null = null;
  const nextNormal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * nextFloat() - 1;
      v = 2 * nextFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * factor;
    return u * factor;
  };

  return { nextFloat, nextInt, nextNormal };
}

/** Fisher–Yates shuffle of the first `length` entries (Knuth, TAOCP vol. 2, Algorithm P). */
export function shuffleInPlace(items: Uint32Array, random: Random, length = items.length): void {
  for (let i = length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  }
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}
