// The Hono app for /v1: request ids, adapters from bindings, one error body, the routes.
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { createAdapters } from "../adapters/index.ts";
import type { AppEnv } from "./app-env.ts";
import { handleError, handleNotFound } from "./handle-error.ts";
import { batchRoutes } from "./routes/batches.ts";
import { healthRoutes } from "./routes/health.ts";
import { predictRoutes } from "./routes/predict.ts";
import { referenceRoutes } from "./routes/reference.ts";
import { feedbackRoutes } from "./routes/feedback.ts";
import { modelRoutes } from "./routes/models.ts";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use("*", requestId({ headerName: "x-request-id" }));
  app.use("*", async (c, next) => {
    c.set("adapters", createAdapters(c.env));
    await next();
  });
  app.onError(handleError);
  app.notFound(handleNotFound);
  app.route("/v1", healthRoutes);
  app.route("/v1", batchRoutes);
  app.route("/v1", predictRoutes);
  app.route("/v1", feedbackRoutes);
  app.route("/v1", modelRoutes);
  app.route("/v1", referenceRoutes);
  return app;
}
