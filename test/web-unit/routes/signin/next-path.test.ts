// The sign-in page's `?next=` target: a path on this site, never another origin. The hostile
// values are the ones browsers (and the URL parser) read as another site: tabs and newlines are
// dropped anywhere, leading spaces trimmed, and "\" taken for "/" in http(s) URLs.
import { describe, expect, it } from "vitest";
import { pathAfterSignIn } from "../../../../web/src/routes/signin/next-path.ts";

const ORIGIN = "http://127.0.0.1:8787";

describe("the page to open after signing in", () => {
  it.each([
    ["/%09/evil.example", "/\t/evil.example"],
    ["//evil.example", "//evil.example"],
    ["/\\evil.example", "/\\evil.example"],
    ["https://evil.example/", "https://evil.example/"],
    ["javascript:alert(1)", "javascript:alert(1)"],
    ["a space, a slash, a tab, a slash", " /\t/evil"],
    ["a newline between the slashes", "/\n/evil.example"],
    ["dot segments that collapse to //", "/.//evil.example"],
    ["a backslash after a dot segment", "/./\\evil.example"],
    ["another port on this host", "http://127.0.0.1:9999/"],
    ["a data: URL", "data:text/html,<script>alert(1)</script>"],
  ])("refuses %s and opens the overview", (_name, next) => {
    expect(pathAfterSignIn(next, ORIGIN)).toBe("/");
  });

  it.each([
    ["/batches?x=1", "/batches?x=1"],
    ["/batches/bat_1#row-3", "/batches/bat_1#row-3"],
    ["/models/compare?a=seed-1&b=v2", "/models/compare?a=seed-1&b=v2"],
    [`${ORIGIN}/models`, "/models"],
    ["batches", "/batches"],
  ])("keeps %s on this site", (next, expected) => {
    expect(pathAfterSignIn(next, ORIGIN)).toBe(expected);
  });

  it.each([null, "", "/signin", "/signin?next=/models", "/signin/"])("opens the overview for %j", (next) => {
    expect(pathAfterSignIn(next, ORIGIN)).toBe("/");
  });

  it("never returns a path that resolves to another origin", () => {
    for (const next of [
      "/\t/evil.example",
      "/\n/evil",
      " /\t/evil",
      "/.//evil.example",
      "/\\evil.example",
      "/batches",
    ]) {
      expect(new URL(pathAfterSignIn(next, ORIGIN), ORIGIN).origin).toBe(ORIGIN);
    }
  });
});
