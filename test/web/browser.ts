// A Chromium for the dashboard's browser tests (Debian's, through playwright-core): a fresh
// profile in the worker's temp folder, console errors and Content Security Policy reports
// collected, and the waits every page test needs, each with its own explicit timeout (a busy
// 2-core machine can take seconds to start a page).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { LocalWorker } from "./local-worker.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOTS = "test-results/screenshots";
export const READY_MS = 30_000;
export const SERVER_MS = 30_000;
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far. */
  problems: string[];
  /** What the Content Security Policy refused. */
  violations: string[];
  /** The layout marks <main> with the route's id and data-ready once that page is loaded and mounted. */
  ready: (route: string) => Promise<void>;
  open: (path: string, route: string) => Promise<void>;
  shoot: (name: string) => Promise<void>;
  /** Pixels the page scrolls sideways (0 when it fits the viewport). */
  overflow: () => Promise<number>;
  /** The elements that reach past the viewport's right edge, for a failure message. */
  widest: () => Promise<string>;
  signIn: (key: string) => Promise<void>;
  close: () => Promise<void>;
}

export async function openBrowser(worker: LocalWorker, viewport = DESKTOP): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(join(worker.dir, "chromium"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Waits within a loaded page fail fast; page loads and server work wait on their own timeouts.
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()} (${message.location().url})`);
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));

  const ready = (route: string) =>
    page.locator(`main[data-page="${route}"][data-ready]`).waitFor({ timeout: READY_MS });
  const open = async (path: string, route: string) => {
    await page.goto(`${worker.url}${path}`, { waitUntil: "load", timeout: READY_MS });
    await ready(route);
  };
  return {
    context,
    page,
    problems,
    violations,
    ready,
    open,
    shoot: async (name) => void (await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })),
    // Browser-side expressions as strings: test files are type-checked without the DOM library.
    overflow: () => page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth"),
    widest: () =>
      page.evaluate<string>(`[...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(-5).map((e) => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))
        .join(", ")`),
    signIn: async (key) => {
      await open("/signin", "/signin");
      await page.getByLabel("API key").fill(key);
      await page.getByRole("button", { name: "Sign in" }).click();
      await ready("/");
    },
    close: () => context.close(),
  };
}
