// The "random sample" of a new batch: rows drawn from the project's seeded demo generator, which
// matches the demo model's features only. From a handful to read row by row up to a full batch
// (LIMITS.maxBatchRows), to see the pipeline at volume.
import { DEMO_FEATURE_NAMES, generateDemoData } from "$model/demo-data.ts";
import { LIMITS } from "$contract/limits.ts";

export const SAMPLE_SIZES = [10, 100, 1_000, LIMITS.maxBatchRows] as const;

export interface DemoSample {
  seed: number;
  features: number[][];
  /** The generator's true class of each row, so the user can send correct feedback. */
  labels: (0 | 1)[];
}

/** Whether the demo generator's columns are the active model's features, in the same order. */
export function demoFits(featureNames: readonly string[]): boolean {
  return (
    featureNames.length === DEMO_FEATURE_NAMES.length && DEMO_FEATURE_NAMES.every((name, j) => featureNames[j] === name)
  );
}

export const DEMO_FEATURES: readonly string[] = DEMO_FEATURE_NAMES;

export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] % 1_000_000;
}

export function drawSample(rows: number, seed: number): DemoSample {
  const data = generateDemoData({ rows, seed });
  const d = data.featureNames.length;
  // Two decimals, like the banknote data, so the rows are readable in the table.
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    seed,
    features: Array.from({ length: rows }, (_, i) => Array.from(data.x.subarray(i * d, (i + 1) * d), round)),
    labels: Array.from(data.y, (y) => (y === 1 ? 1 : 0)),
  };
}
