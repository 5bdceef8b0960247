// What every counting proxy of the meter shares: how it passes on what it does not count.

export type Method = (...args: unknown[]) => unknown;

/** What a proxy does with everything it does not count: the target's own, bound to it. */
export function forward(target: object, prop: string | symbol): unknown {
  const value: unknown = Reflect.get(target, prop, target);
  return typeof value === "function" ? (value as Method).bind(target) : value;
}

export function call(target: object, prop: string, args: unknown[]): unknown {
  return (Reflect.get(target, prop, target) as Method).apply(target, args);
}
