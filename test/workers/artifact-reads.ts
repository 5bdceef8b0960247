// An Env whose KV and R2 bindings record every read of a model artifact (KV `model:<tenant>:<v>`,
// R2 `tenants/<tenant>/models/<v>.json`) and can make some fail as an outage would, to assert
// how many artifacts a request reads and what it does when storage hiccups.
import { env } from "cloudflare:workers";

const isArtifactKey = (key: unknown) =>
  typeof key === "string" && (key.startsWith("model:") || /^tenants\/[^/]+\/models\//.test(key));

export interface ArtifactReads {
  env: typeof env;
  /** The keys read, in order (a KV miss then an R2 read counts twice). */
  reads: string[];
}

/** `fail(key)` true makes that read reject, as a momentary KV or R2 failure does. */
export function artifactReads(fail: (key: string) => boolean = () => false): ArtifactReads {
  const reads: string[] = [];
  const watch = <T extends object>(binding: T): T =>
    new Proxy(binding, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        if (prop !== "get") return value.bind(target);
        return (key: unknown, ...rest: unknown[]) => {
          if (isArtifactKey(key)) {
            reads.push(key as string);
            if (fail(key as string)) return Promise.reject(new Error(`storage hiccup reading ${String(key)}`));
          }
          return (value as (...a: unknown[]) => unknown).call(target, key, ...rest);
        };
      },
    });
  return { env: { ...env, KV: watch(env.KV), BUCKET: watch(env.BUCKET) }, reads };
}
