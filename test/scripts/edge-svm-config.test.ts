// Where `edge-svm` finds its server and key: the environment, else a config file (--config, else
// ./.edge-svm.json, else the XDG one), else the local npm start's URL and admin key file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../scripts/cli/config.ts";
import { UsageError } from "../../scripts/cli/errors.ts";

const dir = mkdtempSync(join(tmpdir(), "edge-svm-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string> = {}): string {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

const json = (value: object) => JSON.stringify(value);

describe("the CLI's configuration", () => {
  it("takes EDGE_SVM_URL and EDGE_SVM_KEY over a config file, value by value", () => {
    const cwd = folder("env", { ".edge-svm.json": json({ url: "https://file.example", key: "file-key" }) });
    const home = folder("env-home");
    const both = resolveConfig({ cwd, home, env: { EDGE_SVM_URL: "https://env.example/v1", EDGE_SVM_KEY: "env-key" } });
    expect([both.url, both.key]).toEqual(["https://env.example", "env-key"]);
    const keyOnly = resolveConfig({ cwd, home, env: { EDGE_SVM_KEY: "env-key" } });
    expect([keyOnly.url, keyOnly.key]).toEqual(["https://file.example", "env-key"]);
  });

  it("reads --config, else ./.edge-svm.json, else $XDG_CONFIG_HOME/edge-svm/config.json", () => {
    const home = folder("xdg-home");
    const xdg = folder("xdg", { "edge-svm/config.json": json({ url: "https://xdg.example", key: "xdg-key" }) });
    const cwd = folder("plain");
    expect(resolveConfig({ cwd, home, env: { XDG_CONFIG_HOME: xdg } }).key).toBe("xdg-key");
    const local = folder("local", { ".edge-svm.json": json({ key: "local-key" }) });
    expect(resolveConfig({ cwd: local, home, env: { XDG_CONFIG_HOME: xdg } }).key).toBe("local-key");
    const chosen = folder("chosen", { "my.json": json({ url: "https://chosen.example", key: "chosen-key" }) });
    const picked = resolveConfig({ cwd: local, home, env: {}, configPath: join(chosen, "my.json") });
    expect([picked.url, picked.key]).toEqual(["https://chosen.example", "chosen-key"]);
    expect(() => resolveConfig({ cwd, home, env: {}, configPath: "nope.json" })).toThrow(UsageError);
    const broken = folder("broken", { ".edge-svm.json": "{" });
    expect(() => resolveConfig({ cwd: broken, home, env: {} })).toThrow(/cannot read the config file/);
  });

  it("falls back to the local npm start and its admin key file, for a local URL only", () => {
    const home = folder("dev-home");
    const cwd = folder("dev", { "state/dev-admin-key": "dev-key\n" });
    const env = { EDGE_SVM_STATE_DIR: "state" };
    const local = resolveConfig({ cwd, home, env });
    expect([local.url, local.key]).toEqual(["http://127.0.0.1:8787", "dev-key"]);
    expect(() => resolveConfig({ cwd, home, env: { ...env, EDGE_SVM_URL: "https://api.example" } })).toThrow(
      /no API key/,
    );
  });
});
