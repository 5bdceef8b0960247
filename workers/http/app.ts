// The Hono app for /v1: request ids, security headers, adapters from bindings, one error body,
// the routes.
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { createAdapters } from "../adapters/index.ts";
import { handleError, handleNotFound } from "./handle-error.ts";
import { batchRoutes } from "./routes/batches.ts";
import { healthRoutes } from "./routes/health.ts";
import { predictRoutes } from "./routes/predict.ts";
import { referenceRoutes } from "./routes/reference.ts";
import { feedbackRoutes } from "./routes/feedback.ts";
import { modelRoutes } from "./routes/models.ts";
import { runRoutes } from "./routes/runs.ts";
import { meterRoutes } from "./routes/meter.ts";
import { benchRoutes } from "./routes/bench.ts";
import { apiRouter } from "./api-route.ts";
import { registerDocumentParts } from "./openapi.ts";

// The API answers JSON (and CSV), which must never load or run anything, nor be framed.
const JSON_POLICY = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};
// /v1/docs is Scalar's API reference (routes/reference.ts), loaded from this origin only; what it
// needs beyond the JSON policy: script-src 'self' for Scalar's bundle from the static assets (no
// inline script, no eval); style-src 'unsafe-inline' because the bundle injects its stylesheet as a
// <style> element and sets style attributes (styles, not script); connect-src 'self' to fetch
// /v1/openapi.json and send "try it" requests to this origin; img-src 'self' for the favicon.
const DOCS_POLICY = {
  ...JSON_POLICY,
  scriptSrc: ["'self'"],
  styleSrc: ["'unsafe-inline'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'"],
};
const hardening = { xFrameOptions: "DENY", referrerPolicy: "no-referrer" } as const;

export function createApp() {
  const app = apiRouter();
  app.use("*", requestId({ headerName: "x-request-id" }));
  // Headers are set after the handler (errors and 404s included); the outer middleware sets them
  // last, so the /v1/docs policy is registered first to win over the JSON one for that page.
  app.use("/v1/docs", secureHeaders({ ...hardening, contentSecurityPolicy: DOCS_POLICY }));
  app.use("*", secureHeaders({ ...hardening, contentSecurityPolicy: JSON_POLICY }));
  app.use("*", async (c, next) => {
    c.set("adapters", createAdapters(c.env));
    await next();
  });
  app.onError(handleError);
  app.notFound(handleNotFound);
  // Chained, so the app's type carries every documented route (the typed client reads it).
  const api = app
    .route("/v1", healthRoutes)
    .route("/v1", batchRoutes)
    .route("/v1", predictRoutes)
    .route("/v1", feedbackRoutes)
    .route("/v1", modelRoutes)
    .route("/v1", runRoutes);
  app.route("/v1", referenceRoutes(app));
  app.route("/v1", meterRoutes);
  app.route("/v1", benchRoutes);
  registerDocumentParts(app);
  return api;
}

/** The API's routes and their typed answers, for Hono's `hc` client (client/). */
export type AppType = ReturnType<typeof createApp>;
