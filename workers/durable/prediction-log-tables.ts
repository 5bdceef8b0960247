// The SQLite tables of a PredictionLog object (durable/prediction-log.ts) and every statement on
// them. Each statement reports the rows it read and wrote to the meter: they are billed like D1's.
//   requests  one row per logged /v1/predict call, written once: its scored rows as one blob, and
//             the segment and offset it was given when it arrived. Indexed by (segment, offset),
//             so a segment's calls are read in order and expire together.
//   segments  one row per segment: its model version and its state, open (taking calls), closed
//             (being flushed) or flushed (its rows are in R2 and D1), kept until it expires.
//   meta      the tenant the object logs for.
// A call costs two rows written (its row and its index entry); a segment, a few.
import { recordDurableStorage } from "../adapters/meter/index.ts";
import { RowFrameError, type RowFrame } from "../codecs/row-frame.ts";

export type SegmentState = "open" | "closed" | "flushed";

export interface Segment {
  id: string;
  modelVersion: string;
  attempts: number;
}

export interface OpenSegment {
  id: string;
  modelVersion: string;
  rows: number;
  cells: number;
}

export interface StoredCall {
  batchId: string;
  segment: string;
  offset: number;
  frame: RowFrame;
  at: number;
}

export interface StoredRef {
  segment: string;
  offset: number;
  rows: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS requests (batch_id TEXT PRIMARY KEY, segment TEXT NOT NULL, "offset" INTEGER NOT NULL,
     rows INTEGER NOT NULL, features INTEGER NOT NULL, payload BLOB NOT NULL, ids TEXT, at INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS requests_by_segment ON requests (segment, "offset")`,
  `CREATE TABLE IF NOT EXISTS segments (id TEXT PRIMARY KEY, model_version TEXT NOT NULL, state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`,
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
];

export type LogTables = ReturnType<typeof openLogTables>;

export function openLogTables(storage: DurableObjectStorage) {
  for (const statement of SCHEMA) storage.sql.exec(statement);
  const run = <T extends Record<string, SqlStorageValue>>(query: string, ...params: SqlStorageValue[]) => {
    const cursor = storage.sql.exec<T>(query, ...params);
    const rows = cursor.toArray();
    recordDurableStorage(cursor.rowsRead, cursor.rowsWritten);
    return rows;
  };

  return {
    tenant(): string | null {
      return run<{ value: string }>("SELECT value FROM meta WHERE key = 'tenant'")[0]?.value ?? null;
    },

    claimTenant(tenantId: string): void {
      run("INSERT INTO meta (key, value) VALUES ('tenant', ?) ON CONFLICT (key) DO NOTHING", tenantId);
    },

    has(batchId: string): boolean {
      return run("SELECT 1 AS found FROM requests WHERE batch_id = ?", batchId).length > 0;
    },

    insert(call: StoredCall): void {
      const { frame } = call;
      run(
        `INSERT INTO requests (batch_id, segment, "offset", rows, features, payload, ids, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch_id) DO NOTHING`,
        call.batchId,
        call.segment,
        call.offset,
        frame.rows,
        frame.featureCount,
        packRows(frame),
        frame.ids ? JSON.stringify(frame.ids) : null,
        call.at,
      );
    },

    /** The open segments with the rows and cells they hold (once per object instance). */
    openSegments(): OpenSegment[] {
      return run<{ id: string; modelVersion: string; rows: number; cells: number }>(
        `SELECT s.id, s.model_version AS modelVersion, coalesce(sum(r.rows), 0) AS rows,
                coalesce(sum(r.rows * r.features), 0) AS cells
         FROM segments s LEFT JOIN requests r ON r.segment = s.id WHERE s.state = 'open' GROUP BY s.id`,
      );
    },

    /** Makes a segment; its id is kept from here on, whatever happens to the flush. */
    open(id: string, modelVersion: string): void {
      run("INSERT INTO segments (id, model_version, state) VALUES (?, ?, 'open')", id, modelVersion);
    },

    close(id: string): void {
      run("UPDATE segments SET state = 'closed' WHERE id = ? AND state = 'open'", id);
    },

    closeAll(): void {
      run("UPDATE segments SET state = 'closed' WHERE state = 'open'");
    },

    /** Segments in a state, oldest first. */
    segments(state: SegmentState, limit: number): Segment[] {
      return run<{ id: string; modelVersion: string; attempts: number }>(
        "SELECT id, model_version AS modelVersion, attempts FROM segments WHERE state = ? ORDER BY id LIMIT ?",
        state,
        limit,
      );
    },

    /** A segment's calls' rows, in segment order. */
    frames(segment: Segment): RowFrame[] {
      return run<{ rows: number; features: number; payload: ArrayBuffer; ids: string | null }>(
        `SELECT rows, features, payload, ids FROM requests WHERE segment = ? ORDER BY "offset"`,
        segment.id,
      ).map((r) => unpackRows(r.payload, r.rows, r.features, r.ids, segment.modelVersion));
    },

    markFlushed(id: string): void {
      run("UPDATE segments SET state = 'flushed' WHERE id = ?", id);
    },

    /** Counts a failed attempt at flushing a segment; returns the attempts so far. */
    countFailure(id: string): number {
      return (
        run<{ attempts: number }>("UPDATE segments SET attempts = attempts + 1 WHERE id = ? RETURNING attempts", id)[0]
          ?.attempts ?? 0
      );
    },

    /** Deletes a segment and its calls (expired, or given up): their ids no longer resolve. */
    forget(id: string): void {
      storage.transactionSync(() => {
        run("DELETE FROM requests WHERE segment = ?", id);
        run("DELETE FROM segments WHERE id = ?", id);
      });
    },

    /** Flushed calls among these batch ids, with where their rows went. */
    resolve(batchIds: readonly string[]): (StoredRef & { batchId: string })[] {
      return run<{ batchId: string; segment: string; offset: number; rows: number }>(
        `SELECT r.batch_id AS batchId, r.segment, r."offset", r.rows FROM json_each(?) j
         JOIN requests r ON r.batch_id = j.value JOIN segments s ON s.id = r.segment WHERE s.state = 'flushed'`,
        JSON.stringify(batchIds),
      );
    },

    /** Flushed segments whose id sorts before `id` (their ids start with their flush time: older). */
    expired(id: string, limit: number): string[] {
      return run<{ id: string }>(
        "SELECT id FROM segments WHERE id < ? AND state = 'flushed' ORDER BY id LIMIT ?",
        id,
        limit,
      ).map((s) => s.id);
    },
  };
}

// A call's scored rows in one blob: its features column-major (f64), its margins (f64), then its
// labels (u8). Rows, width, ids and the model version are columns of their own (or the segment's).
function packRows(frame: RowFrame): ArrayBuffer {
  const { rows: n, featureCount: d, features, margins, labels } = frame;
  if (!margins || !labels) throw new RowFrameError("a logged call must carry its scores");
  const out = new ArrayBuffer(8 * n * (d + 1) + n);
  new Float64Array(out, 0, n * d).set(features);
  new Float64Array(out, 8 * n * d, n).set(margins);
  new Uint8Array(out, 8 * n * (d + 1), n).set(labels);
  return out;
}

function unpackRows(payload: ArrayBuffer, n: number, d: number, ids: string | null, modelVersion: string): RowFrame {
  if (payload.byteLength !== 8 * n * (d + 1) + n) {
    throw new RowFrameError(`a logged call of ${n} × ${d} holds ${payload.byteLength} bytes`);
  }
  return {
    rows: n,
    offset: 0,
    featureCount: d,
    features: new Float64Array(payload, 0, n * d),
    ids: ids === null ? null : (JSON.parse(ids) as string[]),
    margins: new Float64Array(payload, 8 * n * d, n),
    labels: new Uint8Array(payload, 8 * n * (d + 1), n),
    modelVersion,
  };
}
