// The command-line tools, run the way a user runs them (Node 22 from node_modules).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeArtifact } from "../../model/index.ts";

const BANKNOTES = join(import.meta.dirname, "../fixtures/bank_data.csv");
const quiet = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, args, {
    encoding: "utf8",
    env: { ...process.env, ...quiet, ...env },
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("npm run train", () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-svm-train-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints 5-fold metrics for the banknote CSV and writes an artifact that decodes", async () => {
    const out = join(dir, "model.json");
    const { code, out: stdout } = run(["scripts/train.ts", "--data", BANKNOTES, "--out", out, "--version", "bank-1"]);
    expect(code).toBe(0);
    const mean = /^mean\s+([\d.]+)/m.exec(stdout);
    expect(Number(mean?.[1])).toBeGreaterThanOrEqual(0.99);
    const artifact = await decodeArtifact(readFileSync(out, "utf8"));
    expect(artifact).toMatchObject({
      version: "bank-1",
      featureNames: ["variance", "skewness", "curtosis", "entropy"],
    });
    expect(artifact.training.rows).toBe(1372);
    // 0/1 labels name no classes unless --classes does.
    expect(artifact.classNames).toBeUndefined();
  });

  describe("class names", () => {
    // The banknote file with its labels written as words: 0 → genuine, 1 → forged.
    const named = join(dir, "named.csv");
    const [header, ...rows] = readFileSync(BANKNOTES, "utf8").trim().split(/\r?\n/);
    writeFileSync(
      named,
      [
        header,
        ...rows.map((row) => row.replace(/,([01])$/, (_, y: string) => (y === "0" ? ",genuine" : ",forged"))),
      ].join("\n") + "\n",
    );
    const train = async (args: string[]) => {
      const out = join(dir, "named.json");
      const result = run(["scripts/train.ts", ...args, "--out", out, "--folds", "2"]);
      expect(result.code, result.err).toBe(0);
      return { ...result, artifact: await decodeArtifact(readFileSync(out, "utf8")) };
    };

    it("come from label words, 0 and 1 in sorted order", async () => {
      const { artifact, out } = await train(["--data", named]);
      expect(artifact.classNames).toEqual(["forged", "genuine"]);
      expect(artifact.training.classCounts).toEqual({ "0": 610, "1": 762 });
      expect(out).toContain("class 0 (forged): 610, class 1 (genuine): 762");
    });

    it("--classes says which word is 0 and which is 1", async () => {
      const { artifact } = await train(["--data", named, "--classes", "genuine,forged"]);
      expect(artifact.classNames).toEqual(["genuine", "forged"]);
      expect(artifact.training.classCounts).toEqual({ "0": 762, "1": 610 });
    });

    it("--classes names the classes of 0/1 labels", async () => {
      const { artifact } = await train(["--data", BANKNOTES, "--classes", "genuine,forged"]);
      expect(artifact.classNames).toEqual(["genuine", "forged"]);
      expect(artifact.training.classCounts).toEqual({ "0": 762, "1": 610 });
    });

    it("the demo data's classes are named", async () => {
      const { artifact } = await train(["--demo"]);
      expect(artifact.classNames).toEqual(["genuine", "forged"]);
    });

    it("exits 2 naming the line of a label that is not one of --classes", () => {
      const { code, err } = run(["scripts/train.ts", "--data", named, "--classes", "genuine,fake"]);
      expect(code).toBe(2);
      expect(err).toMatch(/line \d+: label "forged" is neither "genuine" nor "fake"/);
    });

    it.each([
      ["one name", "genuine", /--classes must be two names/],
      ["the same name twice", "a,a", /--classes must be two names/],
      ["a name of 41 characters", `${"a".repeat(41)},b`, /1–40 characters/],
    ])("exits 2 for --classes of %s", (_name, classes, message) => {
      const { code, err } = run(["scripts/train.ts", "--demo", "--classes", classes]);
      expect(code).toBe(2);
      expect(err).toMatch(message);
    });

    it("exits 1 naming the line of a third label value", () => {
      const third = join(dir, "third.csv");
      writeFileSync(third, `${readFileSync(named, "utf8")}1,2,3,4,unsure\n`);
      const { code, err } = run(["scripts/train.ts", "--data", third, "--out", join(dir, "x.json")]);
      expect(code).toBe(1);
      expect(err).toMatch(/line 1374: a third label value "unsure"/);
    });
  });

  it("writes its default output, model.json in the repository root, where git ignores it", () => {
    const ignored = spawnSync("git", ["check-ignore", "--quiet", "--no-index", "model.json"], { encoding: "utf8" });
    expect(ignored.status).toBe(0);
  });

  it.each([
    ["a missing file", ["--data", "no-such.csv"], /no such file/],
    ["no data at all", [], /--data FILE\.csv \(or --demo\) is required/],
    ["an unknown loss", ["--demo", "--loss", "log"], /--loss must be/],
    ["--activate without --publish", ["--demo", "--activate"], /--activate goes with --publish/],
  ])("exits 2 with a usage message for %s", (_name, args, message) => {
    const { code, err } = run(["scripts/train.ts", ...args, "--out", join(dir, "x.json")]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });
});

describe("npm run seed and npm run keys on local state", () => {
  const state = mkdtempSync(join(tmpdir(), "edge-svm-state-"));
  const env = { EDGE_SVM_STATE_DIR: state };
  const wrangler = (args: string[]) => run(["node_modules/wrangler/bin/wrangler.js", ...args]);

  beforeAll(() => {
    const migrated = wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
    expect(migrated.code, migrated.err).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  it("seeds a model and an admin key once; a second run reuses both and adds nothing", () => {
    const first = run(["scripts/seed.ts"], env);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/model:\s+seed-1 \(trained just now/);
    const key = readFileSync(join(state, "dev-admin-key"), "utf8").trim();
    expect(key).toMatch(/^esk_key_/);
    const second = run(["scripts/seed.ts"], env);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/model:\s+seed-1\n/);
    expect(second.out).toContain(key);
    const list = run(["scripts/keys.ts", "list"], env);
    expect(list.out.trim().split("\n")).toHaveLength(1);
  }, 60_000);

  it("creates a key printed alone on the last line, lists it, and revokes it", () => {
    const created = run(["scripts/keys.ts", "create", "--tenant", "acme", "--scopes", "ingest,read"], env);
    expect(created.code, created.err).toBe(0);
    const lastLine = created.out.trim().split("\n").at(-1) ?? "";
    expect(lastLine).toMatch(/^esk_key_[a-z0-9]+_[A-Za-z0-9_-]{43}$/);
    const id = lastLine.split("_").slice(1, 3).join("_");
    expect(run(["scripts/keys.ts", "list"], env).out).toMatch(new RegExp(`${id}\\s+active\\s+acme\\s+ingest,read`));
    expect(run(["scripts/keys.ts", "revoke", id], env).code).toBe(0);
    expect(run(["scripts/keys.ts", "list"], env).out).toMatch(new RegExp(`${id}\\s+revoked`));
    const bad = run(["scripts/keys.ts", "create", "--tenant", "acme", "--scopes", "root"], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown scope\(s\): root/);
  }, 60_000);
});
