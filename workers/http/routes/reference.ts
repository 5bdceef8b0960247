// GET /v1/openapi.json (the generated document) and GET /v1/docs, a readable reference page
// rendered from that same document: no hand-written docs to drift, no third-party script.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { html, raw } from "hono/html";
import type { AppEnv } from "../app-env.ts";
import { openApiDocument } from "../openapi.ts";

interface Operation {
  summary?: string;
  description?: string;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

/** The document of `app` (its routes' own declarations) and its page; not themselves documented. */
export const referenceRoutes = (app: OpenAPIHono<AppEnv>) =>
  new Hono<AppEnv>()
    .get("/openapi.json", (c) => c.json(openApiDocument(app)))
    .get("/docs", (c) => {
      const doc = openApiDocument(app) as {
        info: { title: string; version: string };
        paths: Record<string, Record<string, Operation>>;
        components?: unknown;
      };
      const sections = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(
          ([method, op]) =>
            html`<section>
              <h2><code>${method.toUpperCase()} ${path}</code></h2>
              <p>${op.summary ?? ""}. ${op.description ?? ""}</p>
              ${
                op.requestBody
                  ? html`<h3>Request body</h3>
                      <pre>${pretty(Object.values(op.requestBody.content)[0]?.schema)}</pre>`
                  : ""
              }
              ${Object.entries(op.responses).map(
                ([status, r]) =>
                  html`<h3>${status}: ${r.description}</h3>
                    ${r.content ? html`<pre>${pretty(Object.values(r.content)[0]?.schema)}</pre>` : ""}`,
              )}
            </section>`,
        ),
      );
      return c.html(
        html`<!doctype html>
          <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>${doc.info.title} ${doc.info.version}</title>
              <style>
                ${raw(STYLE)}
              </style>
            </head>
            <body>
              <h1>${doc.info.title} <small>${doc.info.version}</small></h1>
              <p>
                Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1). Send keys as
                <code>Authorization: Bearer &lt;key&gt;</code>.
              </p>
              ${sections}
              <section>
                <h2>Schemas</h2>
                <pre>${pretty(doc.components)}</pre>
              </section>
            </body>
          </html>`,
      );
    });

const pretty = (value: unknown) => JSON.stringify(value ?? {}, null, 2);
const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h2{border-top:1px solid #d0d7de;padding-top:1rem;font-size:1.1rem}h3{font-size:.95rem;margin-bottom:.2rem}
pre{background:#f6f8fa;padding:.75rem;overflow:auto;font-size:13px;border-radius:6px}small{color:#57606a}`;
