// The dashboard in a real Chromium against the real Worker (wrangler dev, seeded like `npm start`):
// sign in, submit a demo batch, read its predictions, correct two rows, retrain, see the new
// champion (on the same holdout rows no worse than the version it replaced), compare versions, a
// narrow screen, a read-only key, and a tenant without a model. Screenshots of every page go to
// test-results/screenshots/. Needs the dashboard built into web/build (`npm test` does that).
import { existsSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLASS_NAMES, generateDemoData } from "../../model/demo-data.ts";
import { CHROMIUM, openBrowser, READY_MS, SERVER_MS, type Browser } from "./browser.ts";
import { startLocalWorker, type LocalWorker } from "./local-worker.ts";

const SEED = 4242;
const ROWS = 10;

describe.skipIf(!existsSync(CHROMIUM))("the dashboard", () => {
  let worker: LocalWorker;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let batchUrl = "";
  // The retrained version's name ("v<N>") is the registry's to choose; the tests read it back.
  let promoted = "";
  const shoot = (name: string) => browser.shoot(name);
  const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name });
  /** The layout marks <main> with the route's id and data-ready once that page is loaded and mounted. */
  const ready = (route: string) => browser.ready(route);
  const open = async (url: string, route: string) => browser.open(url.slice(worker.url.length), route);
  const api = (path: string, key = worker.adminKey) =>
    fetch(`${worker.url}${path}`, { headers: { authorization: `Bearer ${key}` } }).then(
      (response) => response.json() as Promise<Record<string, unknown>>,
    );
  /** A version's row in the models table, and the held-out accuracy it shows (as a number, "99.33%" → 0.9933). */
  const versionRow = (version: string) =>
    page.locator("tbody tr", { has: page.getByRole("rowheader", { name: new RegExp(`^${version}\\b`) }) });
  const shownAccuracy = async (version: string) => {
    const cell = versionRow(version).locator('td[data-label="Held-out accuracy"]');
    const text = await cell.locator(".accuracy").innerText();
    return { value: Number(text.replace("%", "")) / 100, basis: await cell.getAttribute("data-basis") };
  };
  /** Shows `url` at phone size, checks that nothing scrolls sideways and saves a screenshot. */
  const shootNarrow = async (name: string, url: string, route: string) => {
    await open(url, route);
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect(await browser.overflow(), `${name} scrolls sideways`).toBeLessThanOrEqual(0);
    await shoot(name);
  };

  beforeAll(async () => {
    if (!existsSync("web/build/index.html")) throw new Error("build the dashboard first: npm run build:web");
    worker = await startLocalWorker({
      reader: { scopes: ["read"] },
      // A tenant of its own, made by its first key: no model, no batches, no base data.
      newcomer: { scopes: ["read", "ingest"], tenant: "acme" },
    });
    browser = await openBrowser(worker, { width: 1280, height: 900 });
    ({ context, page } = browser);
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
  });

  it("sends a visitor without a key to sign in, and shows the overview after", async () => {
    await open(`${worker.url}/`, "/signin");
    expect(new URL(page.url()).pathname).toBe("/signin");
    await expect(page.getByRole("heading", { name: "Sign in" }).isVisible()).resolves.toBe(true);
    await shoot("sign-in");

    await page.getByLabel("API key").fill("not-a-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("not an edge-svm API key").waitFor();

    await page.getByLabel("API key").fill(worker.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await ready("/");
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByRole("banner").getByText("Tenant demo").waitFor();
    const scopes = await page.getByRole("list", { name: "Scopes of this key" }).getByRole("listitem").allTextContents();
    expect(scopes.sort()).toEqual(["admin", "feedback", "ingest", "read"]);

    const activeModel = page.getByRole("region", { name: "Active model" });
    await activeModel.getByText("seed-1").waitFor();
    expect(await page.locator("[data-model-notice]").count()).toBe(0);
    await page.getByText("Accuracy per model version").waitFor();
    await shoot("overview");
  });

  it("submits a random demo sample of 10 rows and follows it to completion", async () => {
    await nav("Batches").click();
    await ready("/batches");
    await page.getByRole("heading", { name: "New batch" }).waitFor();
    expect(await page.getByLabel("Random demo sample").isChecked()).toBe(true);

    // Pasted rows and CSV files are read against the model's features before anything is sent.
    await page.getByRole("radio", { name: "Paste rows" }).check();
    await page
      .getByLabel("Rows", { exact: true })
      .fill("id,entropy,variance,skewness,curtosis,class\na,1,2,3,4,0\nb,5,6,7,8,1");
    await page.getByText("Ready: 2 rows of 4 features (ignored columns: class)").waitFor();
    await page.getByLabel("Rows", { exact: true }).fill("1,2,3,4\n5,x,7,8");
    await page.getByRole("alert").getByText('Line 2: "x" in skewness is not a number.').waitFor();
    expect(await page.getByRole("button", { name: "Score rows" }).isDisabled()).toBe(true);
    await page.getByRole("radio", { name: "CSV file" }).check();
    await page.getByLabel("Choose a CSV file").setInputFiles({
      name: "rows.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("variance,skewness,curtosis,entropy\n1,2,3,4\n5,6,7,8\n9,10,11,12\n"),
    });
    await page.getByText("Ready: 3 rows of 4 features (from rows.csv).").waitFor();

    await page.getByRole("radio", { name: "Random demo sample" }).check();
    await page.getByLabel(String(ROWS), { exact: true }).check();
    await page.getByLabel("Seed").fill(String(SEED));
    await page.getByRole("button", { name: `Score ${ROWS} rows` }).click();
    await page.getByText(`all ${ROWS} rows scored`).waitFor({ timeout: SERVER_MS });
    expect(await page.locator("progress#batch-progress").getAttribute("value")).toBe(String(ROWS));
    await page
      .getByRole("table", { name: "Batches, newest first" })
      .getByRole("link")
      .first()
      .waitFor({ timeout: SERVER_MS });
    await shoot("batches");
  });

  it("shows each prediction with its margin, model version and contributions, and saves two corrections", async () => {
    await page.getByRole("link", { name: "See the predictions" }).click();
    await ready("/batches/[id]");
    await page.getByRole("heading", { name: /^Batch bat_/ }).waitFor();
    batchUrl = page.url();
    expect(await page.locator("table.predictions tbody tr").count()).toBe(ROWS);
    const models = await page.locator('table.predictions tbody td[data-label="Model"]').allTextContents();
    expect(new Set(models.map((m) => m.trim()))).toEqual(new Set(["seed-1"]));
    await page.getByRole("columnheader", { name: "contribution of variance" }).waitFor();

    // Correct two rows with their true classes, preferring rows the model got wrong.
    const truth = Array.from(generateDemoData({ rows: ROWS, seed: SEED }).y);
    // Predictions read as class names (the demo model's: genuine is 0, forged 1).
    const predicted = (await page.locator('table.predictions tbody td[data-label="Prediction"]').allTextContents()).map(
      (text) => DEMO_CLASS_NAMES.indexOf(text.trim() as (typeof DEMO_CLASS_NAMES)[number]),
    );
    expect(predicted.every((label) => label === 0 || label === 1)).toBe(true);
    const order = truth
      .map((_, i) => i)
      .sort((a, b) => Number(predicted[b] !== truth[b]) - Number(predicted[a] !== truth[a]));
    const chosen = order.slice(0, 2);
    for (const row of chosen) {
      await page.getByLabel(`True label of row ${row}`).selectOption(String(truth[row]));
    }
    await page.getByRole("button", { name: "Save 2 labels" }).click();
    await page.getByText("Saved 2 labels").waitFor({ timeout: SERVER_MS });
    await shoot("batch-detail");

    // Feedback travels through a queue; it is in D1 (and counted) moments later.
    await expect
      .poll(async () => ((await api("/v1/metrics")).volume as { feedback24h: number }).feedback24h, {
        timeout: SERVER_MS,
      })
      .toBe(2);
  });

  it("retrains on demand and marks the promoted version as the champion", async () => {
    await nav("Models").click();
    await ready("/models");
    await page.getByRole("heading", { name: "Versions", exact: true }).waitFor();
    await page.getByRole("button", { name: "Retrain now" }).click();
    const outcome = page.getByText(/^Promoted v\d+/);
    await outcome.waitFor({ timeout: 60_000 });
    promoted = /^Promoted (v\d+)/.exec(await outcome.innerText())?.[1] ?? "";
    const row = versionRow(promoted);
    await row.getByText("champion", { exact: true }).waitFor({ timeout: SERVER_MS });
    await shoot("models");

    // The retrain measured both versions on its holdout: the one promoted shows no lower accuracy
    // there than the one it replaced (each version's own holdout could say otherwise).
    const gate = (await api(`/v1/models/${promoted}`)).gate as { championVersion: string; decision: string };
    expect(gate).toMatchObject({ decision: "promoted", championVersion: "seed-1" });
    const [winner, replaced] = [await shownAccuracy(promoted), await shownAccuracy(gate.championVersion)];
    expect([winner.basis, replaced.basis]).toEqual(["latest", "latest"]);
    expect(winner.value).toBeGreaterThanOrEqual(replaced.value);
    await row.getByText(/^latest holdout, [\d,]+ rows$/).waitFor();

    // Rolling back asks first; the dialog works from the keyboard and Escape cancels it.
    const rollBack = page.getByRole("button", { name: "Roll back to seed-1" });
    await rollBack.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Roll back to seed-1?" });
    await dialog.waitFor();
    await shoot("models-roll-back");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await row.getByText("champion", { exact: true }).waitFor();
  });

  it("compares two versions", async () => {
    await page.getByRole("button", { name: "Compare" }).click();
    await ready("/models/compare");
    await page.getByRole("heading", { name: `seed-1 → ${promoted}` }).waitFor();
    const accuracy = page.locator("tr", { has: page.getByRole("rowheader", { name: "Accuracy", exact: true }) });
    await accuracy.waitFor();
    // Measured on the same rows, so compared; the promoted version is not marked as worse.
    expect(await accuracy.locator('td[data-label="Change"]').getAttribute("class")).not.toMatch(/\bworse\b/);
    const measured = page.locator("tr", { has: page.getByRole("rowheader", { name: "Accuracy measured" }) });
    expect(await measured.locator('td:not([data-label="Change"])').allInnerTexts()).toEqual([
      expect.stringMatching(/^on the latest holdout, [\d,]+ rows$/),
      expect.stringMatching(/^on the latest holdout, [\d,]+ rows$/),
    ]);
    await shoot("compare");
  });

  it("stays readable on a narrow screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, url, route] of [
      ["narrow-overview", `${worker.url}/`, "/"],
      ["narrow-batches", `${worker.url}/batches`, "/batches"],
      ["narrow-batch-detail", batchUrl, "/batches/[id]"],
      ["narrow-models", `${worker.url}/models`, "/models"],
      ["narrow-compare", `${worker.url}/models/compare`, "/models/compare"],
    ] as const) {
      await shootNarrow(name, url, route);
    }
  });

  it("signs out and forgets the key", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await nav("Overview").click();
    await ready("/");
    await page.getByRole("region", { name: "Active model" }).getByText(promoted, { exact: true }).waitFor();
    await shoot("overview-after-retrain");
    await page.getByRole("button", { name: "Sign out" }).click();
    await ready("/signin");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await open(`${worker.url}/models`, "/signin");
    expect(new URL(page.url()).pathname).toBe("/signin");
    const stored = await page.evaluate<(string | null)[]>(
      '[sessionStorage, localStorage].map((storage) => storage.getItem("edge-svm.session"))',
    );
    expect(stored).toEqual([null, null]);
  });

  it("tells a key without the needed scopes what it cannot do, instead of failing", async () => {
    // Signed out on /models, so signing in returns there.
    await page.getByLabel("API key").fill(worker.keys.reader);
    await page.getByRole("button", { name: "Sign in" }).click();
    await ready("/models");
    await page.getByRole("heading", { name: "Models", exact: true }).waitFor();
    const scopes = page.getByRole("list", { name: "Scopes of this key" }).getByRole("listitem");
    expect(await scopes.allTextContents()).toEqual(["read"]);
    await page.getByText("Retraining needs the admin scope").waitFor();
    expect(await page.getByRole("button", { name: "Roll back to seed-1" }).isDisabled()).toBe(true);
    await shoot("models-read-only-key");

    await nav("Batches").click();
    await ready("/batches");
    await page.getByText("This key cannot submit batches").waitFor();
    await open(batchUrl, "/batches/[id]");
    await page.getByText("This key cannot send labels").waitFor();
    expect(await page.getByLabel("True label of row 0").isDisabled()).toBe(true);
  });

  it("tells a tenant without a model what to do, instead of showing a form that would be refused", async () => {
    const newcomer = worker.keys.newcomer;
    const me = (await api("/v1/me", newcomer)) as { tenant: string; model: { active: boolean; hint: string } };
    expect(me).toMatchObject({ tenant: "acme", model: { active: false, hint: expect.any(String) } });

    await page.getByRole("button", { name: "Sign out" }).click();
    await ready("/signin");
    await page.getByLabel("API key").fill(newcomer);
    await page.getByRole("button", { name: "Sign in" }).click();
    await ready("/");
    await page.getByRole("banner").getByText("Tenant acme").waitFor();
    const notice = page.locator("[data-model-notice]");
    await notice.getByText(me.model.hint, { exact: true }).waitFor();
    // Only this tenant's data: none of the demo tenant's versions or batches.
    await page.getByRole("region", { name: "Active model" }).getByText("No model is active").waitFor();
    await page.getByText("No batches yet.").waitFor();
    expect(await page.getByRole("link", { name: "New batch" }).count()).toBe(0);
    await shoot("no-model-overview");

    await nav("Batches").click();
    await ready("/batches");
    await notice.getByText(me.model.hint, { exact: true }).waitFor();
    expect(await page.getByRole("heading", { name: "New batch" }).count()).toBe(0);
    await page.getByText("No batches yet").waitFor();
    await shoot("no-model-batches");

    await nav("Models").click();
    await ready("/models");
    await notice.getByText(me.model.hint, { exact: true }).waitFor();
    await page.getByText("Tenant acme has no model versions yet.").waitFor();
    await shoot("no-model-models");

    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await shootNarrow("narrow-no-model-overview", `${worker.url}/`, "/");
      await shootNarrow("narrow-no-model-batches", `${worker.url}/batches`, "/batches");
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it("serves the dashboard under a strict Content Security Policy, and the API reference too", async () => {
    // The static assets' headers (web/static/_headers), on the SPA fallback and on a file.
    for (const path of ["/models", "/favicon.svg"]) {
      const headers = (await fetch(`${worker.url}${path}`)).headers;
      expect(headers.get("content-security-policy"), path).toMatch(/(^|; )default-src 'self'(;|$)/);
      expect(headers.get("content-security-policy"), path).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
      expect(headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(headers.get("x-frame-options"), path).toBe("DENY");
      expect(headers.get("referrer-policy"), path).toBe("no-referrer");
    }
    // The build's own policy (kit.csp) admits SvelteKit's bootstrap by its hash and no other inline script.
    await open(`${worker.url}/`, "/");
    const meta = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute("content");
    expect(meta).toMatch(/(^|; )script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    // An injected inline script is refused (on a page of its own, so this refusal is not a finding).
    const probe = await context.newPage();
    const refused: string[] = [];
    probe.on("console", (message) => refused.push(message.text()));
    try {
      await probe.goto(`${worker.url}/signin`, { waitUntil: "load", timeout: READY_MS });
      await probe.locator("main[data-ready]").waitFor({ timeout: READY_MS });
      await probe.addScriptTag({ content: "window.injected = true;" }).catch(() => null);
      expect(await probe.evaluate<unknown>("window.injected")).toBeUndefined();
      await expect
        .poll(() => refused.some((text) => /inline script.*Content Security Policy/i.test(text)), { timeout: 5_000 })
        .toBe(true);
    } finally {
      await probe.close();
    }
    // /v1/docs (Scalar's reference) has its own test: test/web/docs.test.ts.
  });

  it("reports no Content Security Policy violation on any page", () => {
    expect(browser.violations).toEqual([]);
  });

  it("logs no errors in the browser console", () => {
    expect(browser.problems).toEqual([]);
  });
});
