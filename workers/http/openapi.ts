// The OpenAPI 3.1 document, generated from the routes' own declarations (http/api-route.ts):
// never a list kept beside them. Only what the routes cannot say is added here: the document's
// info, servers and licence, the API-key scheme, and the request bodies' components (bodies are
// read by the handlers under their caps, so routes name them by reference).
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import pkg from "../../package.json" with { type: "json" };
import * as api from "../contract/api.ts";
import { API_KEY_SCHEME } from "./api-route.ts";
import { KEY_FORMAT } from "../contract/keys.ts";
import type { AppEnv } from "./app-env.ts";

const BODY_COMPONENTS = {
  BatchRequest: api.BatchRequest,
  PredictRequest: api.PredictRequest,
  FeedbackRequest: api.FeedbackRequest,
  PredictionFeedbackRequest: api.PredictionFeedbackRequest,
  WebhookFeedback: api.WebhookFeedback,
  PublishModelRequest: api.PublishModelRequest,
  RetrainRequest: api.RetrainRequest,
};

/** Adds what the routes cannot declare themselves to the app's registry. */
export function registerDocumentParts(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", API_KEY_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: `An API key, \`${KEY_FORMAT}\` (npm run keys -- create, or npx edge-svm keys create)`,
  });
  // As JSON Schema from zod itself (what the request must look like, defaults optional). zod puts
  // every named shape in $defs; each becomes a component of its own, referenced as one.
  const schemas: Record<string, object> = {};
  for (const [name, schema] of Object.entries(BODY_COMPONENTS)) {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
    for (const [id, def] of Object.entries(json.$defs ?? {})) schemas[id] ??= relinked(def);
    const { $schema: _dialect, $defs: _named, ...own } = json;
    schemas[name] ??= relinked(own.$ref === `#/$defs/${name}` ? (json.$defs?.[name] ?? own) : own);
  }
  for (const [name, json] of Object.entries(schemas)) app.openAPIRegistry.registerComponent("schemas", name, json);
}

type JsonSchema = { $schema?: string; $ref?: string; $defs?: Record<string, object> } & Record<string, unknown>;

/** The schema with its references to zod's $defs pointed at the document's components. */
function relinked(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as object;
}

// package.json says "private": no public licence; SPDX's form for one of its own (OpenAPI 3.1's
// `identifier`, which the generator's 3.0 typing does not list).
const LICENSE = { name: "Proprietary", identifier: "LicenseRef-Proprietary" };

let cached: object | null = null;

export function openApiDocument(app: OpenAPIHono<AppEnv>): object {
  cached ??= app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "edge-svm API",
      version: pkg.version,
      description:
        "Batches of feature rows in (JSON or Apache Arrow, gzip or deflate), linear-SVM predictions out; feedback, gated retraining and a model registry per tenant.",
      license: LICENSE,
    },
    servers: [{ url: "http://127.0.0.1:8787", description: "npm start (local)" }],
    tags: [
      { name: "Service", description: "The Worker itself" },
      { name: "Keys", description: "Who a key is" },
      { name: "Batches", description: "Submit rows and read their predictions" },
      { name: "Predictions", description: "A few rows scored inline" },
      { name: "Feedback", description: "True labels, from people and systems" },
      { name: "Models", description: "The registry, retraining and live metrics" },
    ],
  });
  return cached;
}
