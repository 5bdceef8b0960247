// What the meter counts, and the module state that holds it. Each count is named (and, where
// it is not obvious, commented) in Cloudflare's billing terms, so the counted shape can be read
// in one place; the proxies beside this file (d1.ts, kv.ts, r2.ts, queues.ts,
// durable-objects.ts) only add to it. Counts are module state, so they are per isolate.

export type InvocationKind = "fetch" | "queue" | "scheduled";

interface Counts {
  invocations: Record<InvocationKind, number>;
  d1: {
    statements: number;
    batches: number;
    rowsRead: number;
    rowsWritten: number;
    /** Statements whose result had no meta (exec, failures): their rows are not counted. */
    withoutMeta: number;
    /** size_after of the first and the latest statement since the reset (database bytes). */
    sizeFirstBytes: number | null;
    sizeLastBytes: number | null;
  };
  kv: {
    reads: number;
    writes: number;
    deletes: number;
    lists: number;
    bytesPut: number;
    /** Puts of a stream, whose size is unknown here. */
    unsizedPuts: number;
    bytesPutWithoutTtl: number;
    /** Bytes put with an expiry, times their time to live: storage these writes hold. */
    ttlByteSeconds: number;
  };
  r2: { classA: number; classB: number; deletes: number; bytesPut: number; bytesDeleted: number };
  queues: {
    messages: number;
    bytes: number;
    /** Billed operations: each 64 KB chunk written, read and deleted, plus a read per redelivery. */
    operations: number;
    deliveries: number;
    redeliveries: number;
    byBinding: Record<string, { messages: number; bytes: number; operations: number }>;
  };
  durableObjects: {
    requests: number;
    wallMs: number;
    storageRowsRead: number;
    storageRowsWritten: number;
    byBinding: Record<string, { requests: number; wallMs: number }>;
  };
}

export type MeterSnapshot = Counts & { isolate: string; since: string };

// Made on first use: workerd forbids random values (and gives no real time) at global scope.
let isolate: string | null = null;
let since: Date | null = null;
/** The counts since the last reset; a live binding, so the proxies always add to the current one. */
export let counts = emptyCounts();

function emptyCounts(): Counts {
  return {
    invocations: { fetch: 0, queue: 0, scheduled: 0 },
    d1: {
      statements: 0,
      batches: 0,
      rowsRead: 0,
      rowsWritten: 0,
      withoutMeta: 0,
      sizeFirstBytes: null,
      sizeLastBytes: null,
    },
    kv: {
      reads: 0,
      writes: 0,
      deletes: 0,
      lists: 0,
      bytesPut: 0,
      unsizedPuts: 0,
      bytesPutWithoutTtl: 0,
      ttlByteSeconds: 0,
    },
    r2: { classA: 0, classB: 0, deletes: 0, bytesPut: 0, bytesDeleted: 0 },
    queues: { messages: 0, bytes: 0, operations: 0, deliveries: 0, redeliveries: 0, byBinding: {} },
    durableObjects: { requests: 0, wallMs: 0, storageRowsRead: 0, storageRowsWritten: 0, byBinding: {} },
  };
}

export function readMeter(): MeterSnapshot {
  isolate ??= crypto.randomUUID().slice(0, 8);
  since ??= new Date();
  return { isolate, since: since.toISOString(), ...structuredClone(counts) };
}

export function resetMeter(): void {
  counts = emptyCounts();
  since = new Date();
}

export function recordInvocation(kind: InvocationKind): void {
  since ??= new Date();
  counts.invocations[kind] += 1;
}

/** A Durable Object reports the rows its own SQLite storage read and wrote (its cursor's counts). */
export function recordDurableStorage(rowsRead: number, rowsWritten: number): void {
  counts.durableObjects.storageRowsRead += rowsRead;
  counts.durableObjects.storageRowsWritten += rowsWritten;
}
