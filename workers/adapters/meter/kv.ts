// The meter's KV proxy: reads (a bulk get reads each of its keys), writes with their bytes and
// time to live (the storage they hold), deletes and lists.
import { counts } from "./counts.ts";
import { call, forward } from "./forwarding.ts";

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

export function meterKv(kv: KVNamespace): KVNamespace {
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
