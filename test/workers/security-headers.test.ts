// Every /v1 response carries the browser hardening headers: JSON answers allow nothing to load,
// and /v1/docs, the one HTML page, may use its own inline stylesheet and nothing else.
import { describe, expect, it } from "vitest";
import { api, createTenantKey } from "./helpers.ts";

const JSON_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
// Scalar's reference: its bundle from this origin only, its injected styles, the document and
// "try it" fetched from this origin; nothing from anywhere else, no inline script.
const DOCS_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function directives(policy: string | null): Map<string, string> {
  return new Map(
    (policy ?? "")
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== "")
      .map(([name, ...values]) => [name, values.join(" ")]),
  );
}

describe("security headers on the API", () => {
  describe.each([
    ["the health check", () => api("/v1/health"), 200],
    ["the OpenAPI document", () => api("/v1/openapi.json"), 200],
    ["an unauthenticated request", () => api("/v1/batches"), 401],
    ["an unknown route", () => api("/v1/no-such-route"), 404],
    [
      "a malformed body",
      async () => {
        const { key } = await createTenantKey(["ingest"]);
        return api("/v1/predict", { method: "POST", key, headers: { "content-type": "application/json" }, body: "{" });
      },
      400,
    ],
  ])("on %s", (_name, request, status) => {
    it("forbids sniffing, framing and referrers, and loading anything", async () => {
      const response = await request();
      expect(response.status).toBe(status);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(directives(response.headers.get("content-security-policy"))).toEqual(directives(JSON_POLICY));
    });
  });

  it("lets /v1/docs load Scalar's bundle from this origin, and run no inline script", async () => {
    const response = await api("/v1/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const policy = directives(response.headers.get("content-security-policy"));
    expect(policy).toEqual(directives(DOCS_POLICY));
    expect(policy.get("script-src")).toBe("'self'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    // Every script on the page is loaded from this origin or is JSON configuration that never runs.
    const page = await response.text();
    const scripts = [...page.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toMatch(/src="\/scalar\/|type="application\/json"/);
  });
});
