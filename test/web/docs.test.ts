// The API reference (/v1/docs) in a real Chromium against the real Worker (wrangler dev): Scalar
// renders the generated OpenAPI document, with the routes' declared examples, its "try it" sends a
// request with an API key, and every request the page makes goes to the Worker's own origin (the
// Scalar bundle is one of its static assets: scripts/copy-scalar.ts). Screenshots go to
// test-results/screenshots/. Needs web/build with the bundle copied in (`npm test` does that).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, openBrowser, READY_MS, SCREENSHOTS, type Browser } from "./browser.ts";
import { startLocalWorker, type LocalWorker } from "./local-worker.ts";

// Scalar's bundle is 4.9 MB of script to fetch and compile: on a busy 2-core machine the first
// render can take seconds. Every wait says how long it may take (READY_MS) instead of a default.

describe.skipIf(!existsSync(CHROMIUM))("the API reference page", () => {
  let worker: LocalWorker;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  /** Opens the reference and waits until Scalar has rendered the document's title from /v1/openapi.json. */
  const open = async () => {
    const response = await page.goto(`${worker.url}/v1/docs`, { waitUntil: "load", timeout: READY_MS });
    await page.getByRole("heading", { level: 1, name: "edge-svm API" }).waitFor({ timeout: READY_MS });
    return response;
  };
  /** An operation's section, by its tag and route as Scalar names it (e.g. "batches/POST/v1/batches"). */
  const operation = (route: string) => page.locator(`section[id$="/tag/${route}"]`);
  /** The first link or button of that name in `scope` (Scalar repeats some, e.g. in the sidebar). */
  const control = (scope: Page | Locator, role: "link" | "button", name: RegExp) =>
    scope.getByRole(role, { name }).first();

  beforeAll(async () => {
    if (!existsSync("web/build/scalar/standalone.js")) throw new Error("build the assets first: npm run build:web");
    worker = await startLocalWorker();
    browser = await openBrowser(worker);
    page = browser.page;
    page.on("request", (request) => requests.push(request.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
  });

  it("renders the generated document with Scalar, under a policy that admits no inline script", async () => {
    const response = await open();
    const policy = response?.headers()["content-security-policy"] ?? "";
    expect(policy).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(policy).toMatch(/(^|; )connect-src 'self'(;|$)/);
    expect(policy).toMatch(/(^|; )default-src 'none'(;|$)/);
    // The document's description and the server "try it" uses: this deployment.
    await page.getByText("linear-SVM predictions out").first().waitFor();
    await expect(page.getByText(worker.url, { exact: true }).first().isVisible()).resolves.toBe(true);
    await shoot("api-reference");

    // Every tag is open in the sidebar; an operation renders when it is scrolled to.
    await control(page, "link", /^Submit a batch of feature rows/).click();
    const submit = operation("batches/POST/v1/batches");
    await submit.getByRole("heading", { name: /^Submit a batch of feature rows/ }).waitFor({ timeout: READY_MS });
    // The route's declared response example, and its request body's schema.
    await submit.getByText('"bat_mx67060m4c5dc77ed9ef"').first().waitFor();
    await submit.getByText("BatchRequest").first().waitFor();
    await shoot("api-reference-submit-batch");
  });

  it("sends a request with an API key from Scalar's try it", async () => {
    // The keyed routes' scheme is preselected; the token is typed once, in the introduction.
    await open();
    await page.getByLabel("Bearer Token").first().fill(worker.adminKey);
    await control(page, "link", /^The calling key/).click();
    const me = operation("keys/GET/v1/me");
    await me.getByRole("heading", { name: /^The calling key/ }).waitFor({ timeout: READY_MS });
    await control(me, "button", /Test Request/).click();
    const client = page.getByRole("dialog");
    const answered = page.waitForResponse((r) => r.url() === `${worker.url}/v1/me`, { timeout: READY_MS });
    await control(client, "button", /^Send get request/).click();
    const answer = await answered;
    expect(await answer.request().headerValue("authorization")).toBe(`Bearer ${worker.adminKey}`);
    expect(answer.status()).toBe(200);
    await client.getByText("200 OK").first().waitFor();
    await client.getByText('"demo"').first().waitFor();
    await shoot("api-reference-try-it");
    await page.keyboard.press("Escape");
    await client.waitFor({ state: "hidden" });
  });

  it("fits a phone's screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await open();
      // Browser-side expressions as strings: this file is type-checked without the DOM library.
      const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
      expect(overflow, "the reference scrolls sideways").toBeLessThanOrEqual(0);
      await shoot("api-reference-narrow");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("makes every request to the Worker's own origin", () => {
    // What the page needs, all from here: itself, Scalar's bundle (a static asset) and the document.
    expect(requests).toEqual(
      expect.arrayContaining([
        `${worker.url}/v1/docs`,
        `${worker.url}/scalar/standalone.js`,
        `${worker.url}/v1/openapi.json`,
        `${worker.url}/v1/me`,
      ]),
    );
    expect(requests.filter((url) => new URL(url).origin !== worker.url)).toEqual([]);
  });

  it("reports no Content Security Policy violation", () => {
    expect(browser.violations).toEqual([]);
  });

  it("logs no errors in the browser console", () => {
    expect(browser.problems).toEqual([]);
  });
});
