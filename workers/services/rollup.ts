// What a scored chunk adds to the hourly rollups (schema.ts `rollups`), and how the metrics read
// them back: counts, predicted positives, the scored values binned on the scoring version's
// training deciles (drift), the margins and batch latency in fixed buckets. Pure: no bindings.
import { featureBinCounts, type CompiledModel } from "../../model/index.ts";
import { bucketQuantile } from "../../model/histogram.ts";

export const HOUR_MS = 60 * 60 * 1000;
export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** Upper bounds (ms) of the latency buckets; the last bucket holds everything slower. */
export const LATENCY_BOUNDS_MS = [25, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 300_000];

/**
 * Upper bounds of the margin buckets: bucket k holds margins in (bound k−1, bound k], the first
 * everything ≤ −3, the last everything above 3. Half-unit steps, since the SVM's margin band is
 * [−1, 1]: the chart shows the rows near the boundary, and tails collapse into the end buckets.
 */
export const SCORE_BOUNDS = [-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3];

/** What one scored chunk adds, per model version (a promotion can land between two chunks). */
export interface VersionCounts {
  modelVersion: string;
  rows: number;
  positives: number;
  /** Feature-major counts on the version's training deciles (see model/drift.ts). */
  bins: number[];
  /** The margins' counts over SCORE_BOUNDS. */
  scores: number[];
}

export interface ChunkStats {
  rows: number;
  versions: VersionCounts[];
}

/** One rollup increment: a completed batch's counts for one version in the hour it completed. */
export interface RollupDelta extends VersionCounts {
  tenantId: string;
  hour: number;
  batches: number;
  latency: number[];
}

interface ScoringModel {
  version: string;
  compiled: CompiledModel;
  artifact: { training: { featureStats: { deciles: number[] }[] } };
}

export function chunkStats(
  model: ScoringModel,
  columns: Float64Array,
  rows: number,
  labels: Uint8Array,
  margins: ArrayLike<number>,
): ChunkStats {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  const deciles = model.artifact.training.featureStats.map((s) => s.deciles);
  const bins = featureBinCounts(deciles, columns, rows);
  return { rows, versions: [{ modelVersion: model.version, rows, positives, bins, scores: scoreBuckets(margins) }] };
}

/** Counts of margins over SCORE_BOUNDS (SCORE_BOUNDS.length + 1 buckets). */
export function scoreBuckets(margins: ArrayLike<number>): number[] {
  const counts = new Array<number>(SCORE_BOUNDS.length + 1).fill(0);
  for (let i = 0; i < margins.length; i++) {
    let k = 0;
    while (k < SCORE_BOUNDS.length && !(margins[i] <= SCORE_BOUNDS[k])) k++;
    counts[k]++;
  }
  return counts;
}

/** Sums chunk stats version by version (histograms element-wise). */
export function mergeStats(parts: readonly ChunkStats[]): ChunkStats {
  const byVersion = new Map<string, VersionCounts>();
  let rows = 0;
  for (const part of parts) {
    rows += part.rows;
    for (const v of part.versions) {
      // A chunk recorded in a batch's ledger by the previous deployment has no `scores`: it
      // counts as no margins, and the batch's histogram holds the chunks scored since.
      const scores = v.scores ?? [];
      const sum = byVersion.get(v.modelVersion);
      if (!sum) byVersion.set(v.modelVersion, { ...v, bins: [...v.bins], scores: [...scores] });
      else {
        sum.rows += v.rows;
        sum.positives += v.positives;
        addCounts(sum.bins, v.bins);
        addCounts(sum.scores, scores);
      }
    }
  }
  return { rows, versions: [...byVersion.values()] };
}

/** The increments a batch makes when it completes: one per version, its latency counted once. */
export function batchDeltas(
  tenantId: string,
  stats: ChunkStats,
  createdAt: number,
  completedAt: number,
): RollupDelta[] {
  const latency = latencyBuckets(completedAt - createdAt);
  return stats.versions.map((v, i) => ({
    ...v,
    tenantId,
    hour: hourOf(completedAt),
    batches: i === 0 ? 1 : 0,
    latency: i === 0 ? latency : latency.map(() => 0),
  }));
}

export function latencyBuckets(ms: number): number[] {
  const counts = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  const bucket = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  counts[bucket === -1 ? LATENCY_BOUNDS_MS.length : bucket]++;
  return counts;
}

/** The bucket bound at quantile q of a latency histogram (the last bucket reports its lower bound). */
export function latencyPercentile(counts: readonly number[], q: number): number | null {
  return bucketQuantile(counts, LATENCY_BOUNDS_MS, q);
}

/** Element-wise sum of count arrays of possibly different lengths (e.g. rollups of two versions). */
export function addCounts(into: number[], counts: readonly number[]): number[] {
  counts.forEach((c, k) => (into[k] = (into[k] ?? 0) + c));
  return into;
}
