// The usage meter: counts what the Worker asks of the billed services (D1, KV, R2, Queues,
// Durable Objects) and its own invocations, so `npm run bench:scale` can price a run per scored
// row. When the var METER is "on", the Worker entry wraps the bindings of its env in counting
// proxies; otherwise nothing is wrapped and nothing is counted. Counts are module state, so
// they are per isolate; wrangler dev runs one isolate, which GET /v1/_meter reads.
//
// Every service is in this one file (hence its length) so that the counted shape, and what
// each count means in Cloudflare's billing terms, can be read in one place.
//
// D1 counts come from D1's own `meta` of every statement result, batches included. first() and
// raw() return no meta, so they are run through all() here and converted. raw() rows take the
// column order of the row objects, as drizzle's d1 driver does for batch results, with the
// same caveats: two result columns of the same name collapse into one (alias them apart), and
// integer-like column names ("0", "1") come before the others. A raw({ columnNames: true }) of
// no rows cannot know its columns and returns [[]].

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

// https://developers.cloudflare.com/queues/platform/pricing/: an operation per 64 KB (of 1,000
// bytes) written, read or deleted; each message carries about 100 bytes of metadata.
const QUEUE_CHUNK_BYTES = 64_000;
const QUEUE_METADATA_BYTES = 100;

// Made on first use: workerd forbids random values (and gives no real time) at global scope.
let isolate: string | null = null;
let since: Date | null = null;
let counts = emptyCounts();

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

/** The var is not in wrangler.toml (so not in the generated Env): the bench passes --var METER:on. */
export function isMeterOn(env: Env): boolean {
  return (env as Env & { METER?: unknown }).METER === "on";
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

/** Each delivered message is a read; a redelivery (attempts > 1) is one more billed read. */
export function recordDelivery(batch: MessageBatch): void {
  counts.queues.deliveries += batch.messages.length;
  for (const message of batch.messages) {
    if (message.attempts <= 1) continue;
    counts.queues.redeliveries += 1;
    counts.queues.operations += queueChunks(jsonBytes(message.body) ?? 0);
  }
}

/** The env an entry point should use: metered (and the invocation counted) when METER is "on". */
export function meterInvocation(kind: InvocationKind, env: Env, batch?: MessageBatch): Env {
  if (!isMeterOn(env)) return env;
  recordInvocation(kind);
  if (batch) recordDelivery(batch);
  return meterEnv(env);
}

// workerd passes the same env object to every invocation: wrapping it once keeps its identity.
const metered = new WeakMap<object, Env>();

/** The env with D1, KV, R2, queue producers and Durable Object namespaces wrapped by counters. */
export function meterEnv(env: Env): Env {
  const known = metered.get(env);
  if (known) return known;
  const wrapped: Record<string, unknown> = { ...env };
  for (const [name, value] of Object.entries(env)) wrapped[name] = meterBinding(name, value);
  metered.set(env, wrapped as unknown as Env);
  return wrapped as unknown as Env;
}

// Recognised by their runtime class: a service binding (Fetcher) answers every property name
// with an RPC method, so shape checks alone would take ASSETS for a D1 database.
function meterBinding(name: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const kind = (value.constructor as { name?: string } | undefined)?.name;
  if (kind === "Fetcher") return value;
  if (kind === "D1Database") return meterD1(value as D1Database);
  if (kind === "KvNamespace") return meterKv(value as KVNamespace);
  if (kind === "R2Bucket") return meterR2(value as R2Bucket);
  if (kind === "WorkerQueue" || /_(QUEUE|DLQ)$/.test(name)) return meterQueue(name, value as Queue);
  if (kind === "DurableObjectNamespace" || hasMethods(value, ["idFromName", "get"])) {
    return meterNamespace(name, value as DurableObjectNamespace);
  }
  return value;
}

function hasMethods(value: object, names: string[]): boolean {
  return names.every((n) => typeof (value as Record<string, unknown>)[n] === "function");
}

type Method = (...args: unknown[]) => unknown;

/** What a proxy does with everything it does not count: the target's own, bound to it. */
function forward(target: object, prop: string | symbol): unknown {
  const value: unknown = Reflect.get(target, prop, target);
  return typeof value === "function" ? (value as Method).bind(target) : value;
}

function call(target: object, prop: string, args: unknown[]): unknown {
  return (Reflect.get(target, prop, target) as Method).apply(target, args);
}

// --- D1 ---------------------------------------------------------------------------------

type D1Like = Pick<D1Database, "prepare" | "batch">;

function addMeta(result: D1Result | undefined): void {
  const meta = result?.meta as Partial<D1Meta> | undefined;
  if (typeof meta?.rows_read !== "number") {
    counts.d1.withoutMeta += 1;
    return;
  }
  counts.d1.rowsRead += meta.rows_read;
  counts.d1.rowsWritten += meta.rows_written ?? 0;
  if (typeof meta.size_after === "number") {
    counts.d1.sizeFirstBytes ??= meta.size_after;
    counts.d1.sizeLastBytes = meta.size_after;
  }
}

class MeteredStatement {
  readonly inner: D1PreparedStatement;

  constructor(inner: D1PreparedStatement) {
    this.inner = inner;
  }

  bind(...values: unknown[]): D1PreparedStatement {
    return meterStatement(this.inner.bind(...values));
  }

  async all<T>(): Promise<D1Result<T>> {
    counts.d1.statements += 1;
    const result = await this.inner.all<T>();
    addMeta(result);
    return result;
  }

  async run<T>(): Promise<D1Result<T>> {
    counts.d1.statements += 1;
    const result = await this.inner.run<T>();
    addMeta(result);
    return result;
  }

  /** As D1's first(): the first row, or one column of it (an unknown column throws, as D1 does). */
  async first(column?: string): Promise<unknown> {
    const row = (await this.all<Record<string, unknown>>()).results[0];
    if (column === undefined || row === undefined) return row ?? null;
    if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
    return row[column] ?? null;
  }

  async raw(options?: { columnNames?: boolean }): Promise<unknown[][]> {
    const { results } = await this.all<Record<string, unknown>>();
    const columns = results.length > 0 ? Object.keys(results[0]) : [];
    const rows = results.map((row) => columns.map((column) => row[column]));
    return options?.columnNames === true ? [columns, ...rows] : rows;
  }
}

function meterStatement(statement: D1PreparedStatement): D1PreparedStatement {
  return new MeteredStatement(statement) as unknown as D1PreparedStatement;
}

function unwrapStatement(statement: D1PreparedStatement): D1PreparedStatement {
  return statement instanceof MeteredStatement ? statement.inner : statement;
}

function meterD1<T extends D1Like>(db: T): T {
  return new Proxy(db, {
    get(target, prop) {
      switch (prop) {
        case "prepare":
          return (sql: string) => meterStatement(target.prepare(sql));
        case "batch":
          return async (statements: D1PreparedStatement[]) => {
            counts.d1.batches += 1;
            counts.d1.statements += statements.length;
            const results = await target.batch(statements.map(unwrapStatement));
            for (const result of results) addMeta(result);
            return results;
          };
        case "exec":
          return async (sql: string) => {
            const result = (await call(target, "exec", [sql])) as D1ExecResult;
            counts.d1.statements += result.count;
            counts.d1.withoutMeta += result.count;
            return result;
          };
        case "withSession":
          return (...args: unknown[]) => meterD1(call(target, "withSession", args) as D1DatabaseSession);
        default:
          return forward(target, prop);
      }
    },
  });
}

// --- KV ---------------------------------------------------------------------------------

const encoder = new TextEncoder();

function byteSize(value: unknown): number | null {
  if (typeof value === "string") return encoder.encode(value).byteLength;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
  return null;
}

function recordKvPut(value: unknown, options: KVNamespacePutOptions | undefined): void {
  counts.kv.writes += 1;
  const bytes = byteSize(value);
  if (bytes === null) {
    counts.kv.unsizedPuts += 1;
    return;
  }
  counts.kv.bytesPut += bytes;
  const ttl =
    options?.expirationTtl ?? (options?.expiration === undefined ? null : options.expiration - Date.now() / 1000);
  if (ttl === null) counts.kv.bytesPutWithoutTtl += bytes;
  else counts.kv.ttlByteSeconds += bytes * Math.max(ttl, 0);
}

function meterKv(kv: KVNamespace): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      switch (prop) {
        case "get":
        case "getWithMetadata":
          // A bulk get reads each of its keys.
          return (key: unknown, ...rest: unknown[]) => {
            counts.kv.reads += Array.isArray(key) ? key.length : 1;
            return call(target, prop, [key, ...rest]);
          };
        case "put":
          return async (key: string, value: unknown, options?: KVNamespacePutOptions) => {
            await target.put(key, value as string, options);
            recordKvPut(value, options);
          };
        case "delete":
          return async (key: string) => {
            counts.kv.deletes += 1;
            return target.delete(key);
          };
        case "list":
          return (...args: unknown[]) => {
            counts.kv.lists += 1;
            return call(target, "list", args);
          };
        default:
          return forward(target, prop);
      }
    },
  });
}

// --- R2 ---------------------------------------------------------------------------------

// https://developers.cloudflare.com/r2/pricing/: class A mutates or lists, class B reads.
const R2_CLASS_A = new Set(["list", "copy"]);
const R2_CLASS_B = new Set(["get", "head"]);

function meterUpload(upload: R2MultipartUpload): R2MultipartUpload {
  return new Proxy(upload, {
    get(target, prop) {
      if (prop === "uploadPart") {
        return (...args: unknown[]) => {
          counts.r2.classA += 1;
          return call(target, "uploadPart", args);
        };
      }
      if (prop === "complete") {
        return async (parts: R2UploadedPart[]) => {
          counts.r2.classA += 1;
          const object = await target.complete(parts);
          counts.r2.bytesPut += object.size;
          return object;
        };
      }
      return forward(target, prop);
    },
  });
}

function meterR2(bucket: R2Bucket): R2Bucket {
  return new Proxy(bucket, {
    get(target, prop) {
      if (typeof prop === "string" && (R2_CLASS_A.has(prop) || R2_CLASS_B.has(prop))) {
        return (...args: unknown[]) => {
          if (R2_CLASS_A.has(prop)) counts.r2.classA += 1;
          else counts.r2.classB += 1;
          return call(target, prop, args);
        };
      }
      switch (prop) {
        case "put":
          return async (...args: unknown[]) => {
            counts.r2.classA += 1;
            const object = (await call(target, "put", args)) as R2Object | null;
            counts.r2.bytesPut += object?.size ?? 0;
            return object;
          };
        case "delete":
          // The sizes come from heads of the bucket itself, which are not counted: only the
          // meter makes them, to know the bytes that stop being stored.
          return async (keys: string | string[]) => {
            const list = Array.isArray(keys) ? keys : [keys];
            const heads = await Promise.all(list.map((key) => target.head(key)));
            await target.delete(keys);
            counts.r2.deletes += list.length;
            counts.r2.bytesDeleted += heads.reduce((sum, head) => sum + (head?.size ?? 0), 0);
          };
        case "createMultipartUpload":
          return async (...args: unknown[]) => {
            counts.r2.classA += 1;
            return meterUpload((await call(target, prop, args)) as R2MultipartUpload);
          };
        case "resumeMultipartUpload":
          // Only makes a handle; no request is sent.
          return (...args: unknown[]) => meterUpload(call(target, prop, args) as R2MultipartUpload);
        default:
          return forward(target, prop);
      }
    },
  });
}

// --- Queues -----------------------------------------------------------------------------

function jsonBytes(body: unknown): number | null {
  try {
    const text = JSON.stringify(body);
    return text === undefined ? null : encoder.encode(text).byteLength;
  } catch {
    return null;
  }
}

function queueChunks(bytes: number): number {
  return Math.max(1, Math.ceil((bytes + QUEUE_METADATA_BYTES) / QUEUE_CHUNK_BYTES));
}

function recordSent(binding: string, bodies: unknown[]): void {
  const entry = (counts.queues.byBinding[binding] ??= { messages: 0, bytes: 0, operations: 0 });
  for (const body of bodies) {
    const bytes = jsonBytes(body) ?? 0;
    // Written, read and deleted once each when all goes well.
    const operations = 3 * queueChunks(bytes);
    counts.queues.messages += 1;
    counts.queues.bytes += bytes;
    counts.queues.operations += operations;
    entry.messages += 1;
    entry.bytes += bytes;
    entry.operations += operations;
  }
}

function meterQueue(binding: string, queue: Queue): Queue {
  return new Proxy(queue, {
    get(target, prop) {
      if (prop === "send") {
        return async (body: unknown, options?: QueueSendOptions) => {
          await target.send(body, options);
          recordSent(binding, [body]);
        };
      }
      if (prop === "sendBatch") {
        return async (messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
          const list = [...messages];
          await target.sendBatch(list, options);
          recordSent(
            binding,
            list.map((m) => m.body),
          );
        };
      }
      return forward(target, prop);
    },
  });
}

// --- Durable Objects --------------------------------------------------------------------

function recordObjectRequest(binding: string, started: number): void {
  const ms = Date.now() - started;
  const entry = (counts.durableObjects.byBinding[binding] ??= { requests: 0, wallMs: 0 });
  counts.durableObjects.wallMs += ms;
  entry.wallMs += ms;
}

// A stub answers any property name with an RPC method; these few are not requests.
const STUB_OWN = new Set<string | symbol>(["then", "id", "name"]);

/** Each fetch or RPC method call on a stub is one billed request; its wall time is summed. */
function meterStub<T extends object>(binding: string, stub: T): T {
  return new Proxy(stub, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof prop === "symbol" || STUB_OWN.has(prop) || typeof value !== "function") return forward(target, prop);
      return (...args: unknown[]) => {
        counts.durableObjects.requests += 1;
        (counts.durableObjects.byBinding[binding] ??= { requests: 0, wallMs: 0 }).requests += 1;
        const started = Date.now();
        // Called as a method, never through .apply: an RPC stub method answers "apply" as an RPC name.
        const result = (target as unknown as Record<string, Method>)[prop](...args);
        const done = () => recordObjectRequest(binding, started);
        Promise.resolve(result).then(done, done);
        return result;
      };
    },
  });
}

function meterNamespace(binding: string, namespace: DurableObjectNamespace): DurableObjectNamespace {
  return new Proxy(namespace, {
    get(target, prop) {
      switch (prop) {
        case "get":
        case "getByName":
          return (...args: unknown[]) => meterStub(binding, call(target, prop, args) as object);
        case "jurisdiction":
          return (...args: unknown[]) => meterNamespace(binding, call(target, prop, args) as DurableObjectNamespace);
        default:
          return forward(target, prop);
      }
    },
  });
}
