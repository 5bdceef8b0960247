// Training rows as frames: a labelled row frame (column-major features, true 0/1 labels) built
// from row vectors, and the base dataset kept as shards in R2 so a retrain reads it one bounded
// frame at a time. The base CSV is converted once per version of it (its tag), on first use.
import type { Dataset } from "../../../model/index.ts";
import type { Adapters } from "../../adapters/index.ts";
import { columnsFromRows, type RowFrame } from "../../codecs/row-frame.ts";

/** Rows per base shard and per training shard at most: 50,000 × 20 features is 8 MB of f64. */
export const SHARD_ROWS = 50_000;
export const BASE_SET = "base";

export function labelledFrame(rows: readonly (readonly number[])[], labels: ArrayLike<number>, d: number): RowFrame {
  return {
    rows: rows.length,
    offset: 0,
    featureCount: d,
    features: columnsFromRows(rows, d),
    ids: null,
    margins: null,
    labels: Uint8Array.from(labels),
    modelVersion: null,
  };
}

/** What the base set's info records: the CSV version it was made from, and its shape. */
export interface BaseInfo {
  tag: string;
  featureNames: string[];
  rows: number;
  shards: number;
}

const isBaseInfo = (value: unknown): value is BaseInfo =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as BaseInfo).tag === "string" &&
  Array.isArray((value as BaseInfo).featureNames) &&
  Number.isInteger((value as BaseInfo).rows) &&
  Number.isInteger((value as BaseInfo).shards);

/**
 * The tenant's base dataset as shards, converted from its CSV when the shards are missing or made
 * from an older CSV. Null when the tenant has no base dataset.
 */
export async function ensureBaseShards(adapters: Adapters, tenantId: string): Promise<BaseInfo | null> {
  const tag = await adapters.datasets.baseTag(tenantId);
  if (tag === null) return null;
  const info = await adapters.shards.getSetInfo(tenantId, BASE_SET);
  if (isBaseInfo(info) && info.tag === tag) return info;
  const base = await adapters.datasets.readBase(tenantId);
  if (!base) return null;
  return writeBaseShards(adapters, tenantId, tag, base);
}

/** Replaces the base set with `base`, SHARD_ROWS rows a shard, and records its info last. */
export async function writeBaseShards(
  adapters: Pick<Adapters, "shards">,
  tenantId: string,
  tag: string,
  base: Dataset,
): Promise<BaseInfo> {
  const d = base.featureNames.length;
  const rows = base.y.length;
  await adapters.shards.deleteSet(tenantId, BASE_SET);
  let shards = 0;
  for (let start = 0; start < rows; start += SHARD_ROWS, shards++) {
    const end = Math.min(rows, start + SHARD_ROWS);
    const vectors: number[][] = [];
    for (let i = start; i < end; i++) vectors.push(Array.from(base.x.subarray(i * d, i * d + d)));
    const frame = labelledFrame(vectors, base.y.subarray(start, end), d);
    await adapters.shards.putShard(tenantId, BASE_SET, "base", shards, frame);
  }
  const info: BaseInfo = { tag, featureNames: [...base.featureNames], rows, shards };
  // Written last: a conversion cut short leaves no info, so the next run converts again.
  await adapters.shards.putSetInfo(tenantId, BASE_SET, info);
  return info;
}

/** A Dataset from row vectors and labels (the in-memory trainer's input). */
export function datasetOf(featureNames: readonly string[], frames: readonly RowFrame[]): Dataset {
  const d = featureNames.length;
  const rows = frames.reduce((n, f) => n + f.rows, 0);
  const x = new Float64Array(rows * d);
  const y = new Uint8Array(rows);
  let at = 0;
  for (const frame of frames) {
    for (let i = 0; i < frame.rows; i++, at++) {
      for (let j = 0; j < d; j++) x[at * d + j] = frame.features[j * frame.rows + i];
      y[at] = frame.labels?.[i] ?? 0;
    }
  }
  return { featureNames, x, y };
}
