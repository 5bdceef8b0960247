// The meter's Durable Object namespace proxy: each fetch or RPC call on a stub it hands out is a
// billed request, and its wall time is summed. Rows of the objects' own SQLite storage are
// reported by the objects themselves (recordDurableStorage in counts.ts).
import { counts } from "./counts.ts";
import { call, forward, type Method } from "./forwarding.ts";

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

export function meterNamespace(binding: string, namespace: DurableObjectNamespace): DurableObjectNamespace {
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
