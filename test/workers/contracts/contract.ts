// One contract per store, run against the Cloudflare implementation (real bindings inside
// workerd) and against its in-memory twin. The cases are written once and handed both
// factories, so a case cannot exist for one and not the other, and a twin that drifts from
// the real store fails here rather than in a service test that trusted it.
import { env } from "cloudflare:workers";
import { describe } from "vitest";
import { createDatabase } from "../../../workers/adapters/database.ts";

/** Makes a fresh fixture (the store and whatever the cases need to observe it). */
export type Make<F> = () => F | Promise<F>;

/**
 * Declares `cases` twice: once titled `<store> (<realName>)` with `real`, once `<store> (memory)`
 * with `memory`. `realName` says which bindings the real store sits on ("d1", "kv", "d1+r2").
 */
export function describeContract<F>(
  store: string,
  realName: string,
  real: Make<F>,
  memory: Make<F>,
  cases: (make: () => Promise<F>) => void,
): void {
  describe.each<[string, Make<F>]>([
    [realName, real],
    ["memory", memory],
  ])(`${store} (%s)`, (_, make) => cases(async () => make()));
}

/** A random id, so rows of one test (and of other test files sharing the bindings) never meet. */
export const freshId = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 12)}`;

/** The drizzle handle over the test D1 binding, for building real stores. */
export const testDatabase = () => createDatabase(env.DB);
