// One Durable Object per tenant shard (SQLite-backed): the log of the rows POST /v1/predict
// scored, so that they can be labelled by predictionId and learned from. Logging each call as a
// batch of its own cost a queue message, an R2 write and a D1 batch row per call, most of them for
// one row; here a call costs one RPC and two SQLite rows written. A call joins its model
// version's open segment as it arrives (the segment id and its offset there are stored with it),
// and about a second later the alarm closes the open segments and flushes each as a finished batch
// of source "predict": one R2 frame, one D1 row with its rollup counts. A call is found again by
// its batch id (`resolve`) once its segment is flushed: its rows sit at `offset` in the segment.
//
// Segment ids and members are in SQLite before anything is written elsewhere, and a segment is
// marked flushed only after, so a flush that fails (or whose object is reset) halfway is retried
// with the same id and rows: R2 gets the same object again and D1 adds nothing twice. Calls are
// kept RETENTION_DAYS after their flush (purged by later flushes), as long as their batches.
// The object is an entry point like the queue handler: it builds its adapters from its env.
import { DurableObject } from "cloudflare:workers";
import { ArtifactError, hashKey } from "../../model/index.ts";
import { createAdapters, type Adapters } from "../adapters/index.ts";
import { isMeterOn, meterEnv } from "../adapters/meter/index.ts";
import { columnsFromRows, concatRowFrames, RowFrameError } from "../codecs/row-frame.ts";
import { LIMITS } from "../contract/limits.ts";
import { isPermanent } from "../services/permanent-error.ts";
import { recordLoggedRows } from "../services/record-logged-rows.ts";
import {
  openLogTables,
  type LogTables,
  type OpenSegment,
  type Segment,
  type StoredRef,
} from "./prediction-log-tables.ts";

/** The scored rows of one /v1/predict call, logged under the batch id of its predictionIds. */
export interface LoggedRequest {
  tenantId: string;
  batchId: string;
  features: number[][];
  ids?: string[];
  margins: number[];
  labels: (0 | 1)[];
  modelVersion: string;
}

/** Where a logged call's rows were flushed: rows [offset, offset + rows) of batch `segment`. */
export type SegmentRef = StoredRef;

/** How long a call waits to be flushed with the calls that follow it. */
export const FLUSH_MS = 1_000;
/** A segment holds at most this many rows (a batch's maximum); a full one is flushed at once. */
export const SEGMENT_MAX_ROWS = LIMITS.maxBatchRows;
/** …and this many feature values, which bounds the memory its frame takes. */
const SEGMENT_MAX_CELLS = LIMITS.maxBatchCells;
/** Segments one alarm flushes; any more are flushed by the next, set at once. */
const SEGMENTS_PER_FLUSH = 5;
/** A segment still failing after this many attempts (about an hour of backoff) is given up. */
const MAX_ATTEMPTS = 16;
const MAX_BACKOFF_MS = 5 * 60_000;
const EXPIRED_PER_FLUSH = 10;
const DAY_MS = 86_400_000;

export class PredictionLog extends DurableObject<Env> {
  /** Built from the object's env at its first flush; a test swaps it to make a flush fail halfway. */
  adapters: Adapters | null = null;
  private readonly tables: LogTables;
  private tenantId: string | null = null;
  /** The open segment of each model version (read from SQLite once per object instance). */
  private open: Map<string, OpenSegment> | null = null;
  /** Flushes failed in a row; while > 0, a full segment does not cut the backoff short. */
  private failures = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.tables = openLogTables(ctx.storage);
  }

  /** Several calls' rows at once (an isolate's calls of the last few milliseconds); each as append. */
  async appendMany(entries: readonly LoggedRequest[]): Promise<void> {
    for (const entry of entries) await this.append(entry);
  }

  async append(entry: LoggedRequest): Promise<void> {
    const rows = entry.features.length;
    if (rows === 0) return;
    checkEntry(entry);
    this.claim(entry.tenantId);
    if (this.tables.has(entry.batchId)) return;
    const d = entry.features[0].length;
    const features = columnsFromRows(entry.features, d);
    const at = Date.now();
    const open = (this.open ??= new Map(this.tables.openSegments().map((s) => [s.modelVersion, s])));
    let segment = open.get(entry.modelVersion);
    if (segment && (segment.rows + rows > SEGMENT_MAX_ROWS || segment.cells + rows * d > SEGMENT_MAX_CELLS)) {
      this.tables.close(segment.id);
      segment = undefined;
    }
    if (!segment) {
      segment = {
        id: segmentId(at, entry.tenantId, entry.batchId),
        modelVersion: entry.modelVersion,
        rows: 0,
        cells: 0,
      };
      this.tables.open(segment.id, segment.modelVersion);
      open.set(segment.modelVersion, segment);
    }
    this.tables.insert({
      batchId: entry.batchId,
      segment: segment.id,
      offset: segment.rows,
      at,
      frame: {
        rows,
        offset: 0,
        featureCount: d,
        features,
        ids: entry.ids ?? null,
        margins: Float64Array.from(entry.margins),
        labels: Uint8Array.from(entry.labels),
        modelVersion: entry.modelVersion,
      },
    });
    segment.rows += rows;
    segment.cells += rows * d;
    const full = segment.rows >= SEGMENT_MAX_ROWS || segment.cells >= SEGMENT_MAX_CELLS;
    if (full) {
      this.tables.close(segment.id);
      open.delete(segment.modelVersion);
    }
    const alarm = await this.ctx.storage.getAlarm();
    if (full && this.failures === 0) {
      if (alarm === null || alarm > at) await this.ctx.storage.setAlarm(at);
    } else if (alarm === null) {
      await this.ctx.storage.setAlarm(at + FLUSH_MS);
    }
  }

  /** Where each of these calls was flushed to; calls this log does not hold flushed are absent. */
  async resolve(batchIds: string[]): Promise<Record<string, SegmentRef>> {
    const refs: Record<string, SegmentRef> = {};
    for (const { batchId, ...ref } of this.tables.resolve(batchIds)) refs[batchId] = ref;
    return refs;
  }

  override async alarm(): Promise<void> {
    const tenantId = (this.tenantId ??= this.tables.tenant());
    if (tenantId === null) return;
    const adapters = (this.adapters ??= createAdapters(isMeterOn(this.env) ? meterEnv(this.env) : this.env));
    try {
      await this.flush(adapters, tenantId);
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      const delay = Math.min(MAX_BACKOFF_MS, FLUSH_MS * 2 ** this.failures);
      console.error(`the prediction log of ${tenantId} failed to flush; retrying in ${delay} ms:`, error);
      await this.ctx.storage.setAlarm(Date.now() + delay);
      return;
    }
    // Segments past this flush's budget go at once; calls that came during it, a second later.
    const due = this.tables.segments("closed", 1).length > 0 ? 0 : this.open?.size ? FLUSH_MS : null;
    if (due === null) return;
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > Date.now() + due) await this.ctx.storage.setAlarm(Date.now() + due);
  }

  private async flush(adapters: Adapters, tenantId: string): Promise<void> {
    const retentionDays = Number(this.env.RETENTION_DAYS) || 30;
    for (const id of this.tables.expired(segmentIdAt(Date.now() - retentionDays * DAY_MS), EXPIRED_PER_FLUSH)) {
      this.tables.forget(id);
    }
    // Calls from here on open new segments; the closed ones keep the ids and members they have.
    this.tables.closeAll();
    this.open = new Map();
    for (const segment of this.tables.segments("closed", SEGMENTS_PER_FLUSH)) {
      await this.flushSegment(adapters, tenantId, segment);
    }
  }

  private async flushSegment(adapters: Adapters, tenantId: string, segment: Segment): Promise<void> {
    try {
      const frames = this.tables.frames(segment);
      if (frames.length > 0) await recordLoggedRows(adapters, tenantId, segment.id, concatRowFrames(frames, 0));
      this.tables.markFlushed(segment.id);
    } catch (error) {
      const attempts = this.tables.countFailure(segment.id);
      const hopeless = isPermanent(error) || error instanceof ArtifactError || error instanceof RowFrameError;
      if (!hopeless && attempts < MAX_ATTEMPTS) throw error;
      await this.giveUp(adapters, tenantId, segment, error);
    }
  }

  /** Drops a segment that cannot be flushed, so that it does not hold up the segments after it. */
  private async giveUp(adapters: Adapters, tenantId: string, segment: Segment, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`the prediction log of ${tenantId} gives up segment ${segment.id}: ${reason}`);
    this.tables.forget(segment.id);
    await adapters.audit
      .record({
        tenantId,
        actor: "prediction-log",
        action: "predictions.dropped",
        subject: segment.id,
        detail: { reason },
      })
      .catch((failure: unknown) => console.error(`auditing dropped segment ${segment.id} failed:`, failure));
  }

  private claim(tenantId: string): void {
    this.tenantId ??= this.tables.tenant();
    if (this.tenantId === null) {
      this.tables.claimTenant(tenantId);
      this.tenantId = tenantId;
    } else if (this.tenantId !== tenantId) {
      throw new Error(`the prediction log of ${this.tenantId} was asked to log a call of ${tenantId}`);
    }
  }
}

/** Refuses a call whose scores do not match its rows: one bad call must not spoil its segment. */
function checkEntry(entry: LoggedRequest): void {
  const n = entry.features.length;
  if (entry.margins.length !== n || entry.labels.length !== n || (entry.ids && entry.ids.length !== n)) {
    throw new RangeError(`a call of ${n} rows with ${entry.margins.length} margins and ${entry.labels.length} labels`);
  }
  if (entry.labels.some((label) => label !== 0 && label !== 1)) throw new RangeError("labels are 0 or 1");
}

// Segment ids start with the time their first call came, fixed width, so they sort by age and
// expire by range; the rest comes from that call's batch id, which no other segment has.
const hex = (n: number) => n.toString(16).padStart(8, "0");
const segmentIdAt = (at: number) => `bat_seg${Math.max(0, at).toString(36).padStart(9, "0")}`;
const segmentId = (at: number, tenantId: string, first: string) =>
  `${segmentIdAt(at)}${hex(hashKey(first))}${hex(hashKey(`${tenantId}/${first}`))}`;
