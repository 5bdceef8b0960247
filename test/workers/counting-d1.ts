// A D1 binding that counts the statements sent through it, to assert how many queries a
// request costs (e.g. feedback rows resolved in one statement, not one per 90 ids), and the
// characters of text its reads answered, to assert how much a request parses.
export interface CountingD1 {
  db: D1Database;
  statements: string[];
  /** Characters of the string values the statements' results held, so far. */
  charsRead(): number;
}

const charsOf = (value: unknown): number =>
  typeof value === "string"
    ? value.length
    : typeof value === "object" && value !== null
      ? Object.values(value).reduce((n: number, inner) => n + charsOf(inner), 0)
      : 0;

export function countingD1(inner: D1Database): CountingD1 {
  const statements: string[] = [];
  let chars = 0;
  const unwrapped = new WeakMap<object, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values), sql);
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          return (...args: unknown[]) => {
            statements.push(sql);
            const answer = (target[prop] as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            return answer.then((result) => {
              chars += charsOf(prop === "run" ? null : result);
              return result;
            });
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    unwrapped.set(proxy, statement);
    return proxy;
  };
  const db = new Proxy(inner, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      if (prop === "batch") {
        return (list: D1PreparedStatement[]) => {
          statements.push(`batch(${list.length})`);
          return target.batch(list.map((s) => unwrapped.get(s) ?? s));
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, statements, charsRead: () => chars };
}
