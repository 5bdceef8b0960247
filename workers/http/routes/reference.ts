// GET /v1/openapi.json (the generated document) and GET /v1/docs, Scalar's API reference rendering
// that same document: no hand-written docs to drift. Everything the page loads comes from this
// deployment: Scalar's browser bundle is one of the Worker's static assets (scripts/copy-scalar.ts
// copies it into web/build at build time), and every Scalar feature that would call a third party
// is off (see CONFIGURATION). No inline script runs: the bundle reads its configuration from the
// data attributes of an inert <script type="application/json">, so the page's policy
// (DOCS_POLICY in app.ts) admits scripts from 'self' only.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { html } from "hono/html";
import { API_KEY_SCHEME } from "../api-route.ts";
import type { AppEnv } from "../app-env.ts";
import { openApiDocument } from "../openapi.ts";

/** Where the static assets serve Scalar's bundle (outside /v1, which the Worker answers first). */
export const SCALAR_SCRIPT = "/scalar/standalone.js";
const DOCUMENT_URL = "/v1/openapi.json";

/** Scalar's options (its ApiReferenceConfiguration), JSON only. */
const CONFIGURATION = {
  // No fonts from fonts.scalar.com: the system's fonts (font-src stays 'none').
  withDefaultFonts: false,
  // No usage reports, no "Agent Scalar" chat (on by default for localhost pages) and no MCP
  // panel: each talks to Scalar's servers. No developer toolbar (localhost by default either).
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  // No proxyUrl: "try it" calls the API directly, on this origin, so it needs no proxy.
  // The keyed routes' scheme is picked in "try it", so a pasted key is sent as a Bearer token.
  // It is kept in memory only (persistAuth false: never in localStorage).
  authentication: { preferredSecurityScheme: API_KEY_SCHEME },
  persistAuth: false,
  // Every operation rendered at once, as a reference to read; the schemas under their own name
  // (Scalar's default, "Models", would repeat the Models tag in the sidebar).
  defaultOpenAllTags: true,
  modelsSectionLabel: "Schemas",
  // A download link to the document itself, not a converted copy.
  documentDownloadType: "direct",
} as const;

/** The document of `app` (its routes' own declarations) and its page; not themselves documented. */
export const referenceRoutes = (app: OpenAPIHono<AppEnv>) =>
  new Hono<AppEnv>()
    .get("/openapi.json", (c) => c.json(openApiDocument(app)))
    .get("/docs", (c) => {
      const { info } = openApiDocument(app) as { info: { title: string; version: string } };
      // "Try it" sends requests to this deployment, whatever the document's servers say (they
      // name `npm start`'s address), which is also all that the page's connect-src allows.
      const configuration = {
        ...CONFIGURATION,
        servers: [{ url: new URL(c.req.url).origin, description: "This deployment" }],
      };
      return c.html(
        html`<!doctype html>
          <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>${info.title} ${info.version}</title>
              <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
            </head>
            <body>
              <noscript>
                This reference needs JavaScript. The OpenAPI 3.1 document it renders is
                <a href="${DOCUMENT_URL}">${DOCUMENT_URL}</a>; send keys as
                <code>Authorization: Bearer &lt;key&gt;</code>.
              </noscript>
              <script
                id="api-reference"
                type="application/json"
                data-url="${DOCUMENT_URL}"
                data-configuration="${JSON.stringify(configuration)}"
              ></script>
              <script src="${SCALAR_SCRIPT}"></script>
            </body>
          </html>`,
      );
    });
