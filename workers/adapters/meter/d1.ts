// The meter's D1 proxy. D1 counts come from D1's own `meta` of every statement result, batches
// included. first() and raw() return no meta, so they are run through all() here and converted.
// raw() rows take the column order of the row objects, as drizzle's d1 driver does for batch
// results, with the same caveats: two result columns of the same name collapse into one (alias
// them apart), and integer-like column names ("0", "1") come before the others. A
// raw({ columnNames: true }) of no rows cannot know its columns and returns [[]].
import { counts } from "./counts.ts";
import { call, forward } from "./forwarding.ts";

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

export function meterD1<T extends D1Like>(db: T): T {
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
