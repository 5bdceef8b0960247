// POST /v1/_bench/accept?jsonBytes=N&rounds=R: what accepting a batch costs in CPU inside
// workerd (services/bench-accept.ts), for `npm run bench:api`. The body is a gzip JSON batch
// (its first N bytes) followed by a gzip Arrow stream of the same rows, both for the caller's
// champion model. An instrument, not API: it exists only when the var BENCH is "on" (the bench
// passes --var BENCH:on to wrangler dev) and needs an admin key; otherwise it answers exactly as
// a path that does not exist. Like /v1/_meter it is registered for every method and dispatches
// itself, which keeps it out of the served routes the OpenAPI document must list.
import { Hono, type MiddlewareHandler } from "hono";
import { ApiError } from "../../contract/errors.ts";
import { BODY_LIMITS } from "../../contract/limits.ts";
import { readBodyBytes } from "../../codecs/decode-body.ts";
import { benchAccept } from "../../services/bench-accept.ts";
import { loadChampion, noModel } from "../../services/serving-model.ts";
import { requireScope } from "../authenticate.ts";
import type { AppEnv } from "../app-env.ts";

const MAX_ROUNDS = 50;

/** The var is not in wrangler.toml (so not in the generated Env): the bench passes --var BENCH:on. */
export function isBenchOn(env: Env): boolean {
  return (env as Env & { BENCH?: unknown }).BENCH === "on";
}

const whenBenched: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!isBenchOn(c.env) || c.req.method !== "POST") return c.notFound();
  await next();
};

export const benchRoutes = new Hono<AppEnv>().all("/_bench/accept", whenBenched, requireScope("admin"), async (c) => {
  const body = await readBodyBytes(c.req.raw, 2 * BODY_LIMITS.batch.maxEncodedBytes);
  const jsonBytes = Number(c.req.query("jsonBytes"));
  const rounds = Number(c.req.query("rounds") ?? "5");
  if (!Number.isInteger(jsonBytes) || jsonBytes <= 0 || jsonBytes >= body.byteLength) {
    throw new ApiError("INVALID_REQUEST", "jsonBytes must split the body into a gzip JSON and a gzip Arrow part.");
  }
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    throw new ApiError("INVALID_REQUEST", `rounds must be 1–${MAX_ROUNDS}.`);
  }
  const model = await loadChampion(c.get("adapters").models, c.get("principal").tenantId);
  if (!model) throw noModel();
  const result = await benchAccept({
    jsonGzip: body.subarray(0, jsonBytes),
    arrowGzip: body.subarray(jsonBytes),
    artifact: model.artifact,
    rounds,
  });
  return c.json(result);
});
