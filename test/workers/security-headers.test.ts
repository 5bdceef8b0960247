// Every /v1 response carries the browser hardening headers: JSON answers allow nothing to load,
// and /v1/docs, the one HTML page, may use its own inline stylesheet and nothing else.
import { describe, expect, it } from "vitest";
import { api, createTenantKey } from "./helpers.ts";

const JSON_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const DOCS_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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

  it("lets /v1/docs use its inline stylesheet, and run no script", async () => {
    const response = await api("/v1/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const policy = directives(response.headers.get("content-security-policy"));
    expect(policy).toEqual(directives(DOCS_POLICY));
    expect(policy.has("script-src")).toBe(false);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    // What the policy allows is what the page needs: one <style>, no <script>, no style attributes.
    const page = await response.text();
    expect(page.match(/<style>/g)).toHaveLength(1);
    expect(page).not.toMatch(/<script|\sstyle=/i);
  });
});
