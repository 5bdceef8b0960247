// GET /v1/_meter: what this isolate asked of D1, KV, R2, Queues and Durable Objects since the
// last reset (adapters/meter/); DELETE /v1/_meter resets it. An instrument of
// `npm run bench:scale`, not API: it exists only when the var METER is "on" (the bench passes
// --var METER:on); otherwise it answers exactly as a path that does not exist. It is registered
// for every method and dispatches itself, which also keeps it out of the served routes that
// the OpenAPI document must list.
import { Hono, type MiddlewareHandler } from "hono";
import { isMeterOn, readMeter, resetMeter } from "../../adapters/meter/index.ts";
import { requireScope } from "../authenticate.ts";
import type { AppEnv } from "../app-env.ts";

const whenMetered: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!isMeterOn(c.env) || (c.req.method !== "GET" && c.req.method !== "DELETE")) return c.notFound();
  await next();
};

export const meterRoutes = new Hono<AppEnv>().all("/_meter", whenMetered, requireScope("admin"), (c) => {
  if (c.req.method === "GET") return c.json(readMeter());
  resetMeter();
  return c.body(null, 204);
});
