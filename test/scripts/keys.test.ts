// `npm run keys`: --remote goes through `wrangler d1 execute --remote` (here a stand-in that
// records its arguments and answers canned JSON) and never opens local state; webhook secrets
// are shown, rotated and stored encrypted, locally and remotely.
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSecretsKey, decryptSecret, encryptSecret, importSecretsKey } from "../../workers/codecs/secret-box.ts";

const quiet = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, args, {
    encoding: "utf8",
    env: { ...process.env, ...quiet, ...env },
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const lastLine = (text: string) => text.trim().split("\n").at(-1) ?? "";

// The stand-in for wrangler: logs its argv, answers the first canned rule whose pattern matches the SQL.
const FAKE_WRANGLER = `
const fs = require("node:fs");
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_LOG, JSON.stringify(args) + "\\n");
const sql = args[args.indexOf("--command") + 1] || "";
const rule = JSON.parse(fs.readFileSync(process.env.FAKE_ANSWERS, "utf8")).find((r) => new RegExp(r.match).test(sql));
if (!rule) {
  process.stdout.write(JSON.stringify({ error: { text: "no canned answer for " + sql } }));
  process.exit(1);
}
process.stdout.write(JSON.stringify(rule.results.map((results) => ({ results, success: true, meta: {} }))));
`;

describe("npm run keys --remote", () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-svm-remote-"));
  const state = join(dir, "state");
  const log = join(dir, "calls.jsonl");
  const answers = join(dir, "answers.json");
  const fake = join(dir, "wrangler");
  const secretsKey = createSecretsKey();
  const env = {
    EDGE_SVM_WRANGLER: fake,
    EDGE_SVM_STATE_DIR: state,
    FAKE_LOG: log,
    FAKE_ANSWERS: answers,
    WEBHOOK_SECRETS_KEY: "",
  };
  const keys = (...args: string[]) => run(["scripts/keys.ts", ...args], env);
  const answer = (rules: { match: string; results: unknown[][] }[]) => writeFileSync(answers, JSON.stringify(rules));
  const calls = (): string[][] =>
    existsSync(log)
      ? readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line))
      : [];
  const sqlOf = (call: string[]) => call[call.indexOf("--command") + 1];

  beforeAll(() => {
    mkdirSync(state);
    writeFileSync(fake, `#!${process.execPath}\n${FAKE_WRANGLER}`, { mode: 0o755 });
  });
  beforeEach(() => rmSync(log, { force: true }));
  afterAll(() => {
    // Nothing local was opened: getPlatformProxy would have made its folders here.
    expect(readdirSync(state)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the deployed keys with one `d1 execute DB --remote --json` and never opens local state", () => {
    answer([
      {
        match: "FROM api_keys",
        results: [
          [
            {
              id: "key_m1abc",
              tenant_name: "acme",
              scopes: "ingest,read",
              label: "ci",
              created_at: 1,
              revoked_at: null,
            },
          ],
        ],
      },
    ]);
    const listed = keys("list", "--remote");
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toMatch(/key_m1abc\s+active\s+acme\s+ingest,read\s+ci/);
    const made = calls();
    expect(made).toHaveLength(1);
    expect(made[0].slice(0, 6)).toEqual(["d1", "execute", "DB", "--remote", "--json", "--command"]);
    expect(readdirSync(state)).toEqual([]);
  });

  it("revokes a deployed key with one conditional UPDATE, and says when there was no active key", () => {
    answer([{ match: "UPDATE api_keys", results: [[{ id: "key_m1abc" }]] }]);
    const revoked = keys("revoke", "key_m1abc", "--remote");
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toMatch(/revoked key_m1abc/);
    const [call] = calls();
    expect(call.slice(0, 4)).toEqual(["d1", "execute", "DB", "--remote"]);
    expect(sqlOf(call)).toMatch(
      /^UPDATE api_keys SET revoked_at = \d+ WHERE id = 'key_m1abc' AND revoked_at IS NULL RETURNING id;$/,
    );

    answer([{ match: "UPDATE api_keys", results: [[]] }]);
    const none = keys("revoke", "key_m1abc", "--remote");
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no active key key_m1abc/);
    expect(readdirSync(state)).toEqual([]);
  });

  it("refuses a key id that is not one before any SQL is run", () => {
    const bad = keys("revoke", "key_x'; DROP TABLE tenants; --", "--remote");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/is not a key id/);
    expect(calls()).toEqual([]);
  });

  it("creates a key and a tenant whose webhook secret goes out encrypted with the given key", async () => {
    answer([
      { match: "LIKE 'enc1:%'", results: [[]] },
      { match: "INSERT INTO tenants", results: [[], []] },
    ]);
    const created = keys(
      "create",
      "--tenant",
      "acme",
      "--scopes",
      "ingest,read",
      "--remote",
      "--secrets-key",
      secretsKey,
    );
    expect(created.code, created.err).toBe(0);
    expect(lastLine(created.out)).toMatch(/^esk_key_[a-z0-9]+_[A-Za-z0-9_-]{43}$/);
    const insert = sqlOf(calls()[1]);
    expect(insert).not.toContain("whsec_");
    const [, tenantId, sealed] = /VALUES \('(ten_[a-z0-9]+)', 'acme', '(enc1:[^']+)'/.exec(insert) ?? [];
    expect(await decryptSecret(await importSecretsKey(secretsKey), sealed, tenantId)).toMatch(/^whsec_/);
  });

  describe("webhook-secret", () => {
    const old = "whsec_b2xkLXNlY3JldC1vZi10aGUtdGVuYW50LTI0";
    let stored: string;
    beforeAll(async () => {
      stored = await encryptSecret(await importSecretsKey(secretsKey), old, "ten_1");
    });
    const tenantRow = () => ({
      match: "FROM tenants WHERE name = 'acme'",
      results: [
        [{ id: "ten_1", webhook_secret: stored, webhook_secret_previous: null, webhook_secret_previous_until: null }],
      ],
    });

    it("prints the deployed tenant's secret alone on the last line", () => {
      answer([tenantRow()]);
      const shown = keys("webhook-secret", "--tenant", "acme", "--remote", "--secrets-key", secretsKey);
      expect(shown.code, shown.err).toBe(0);
      expect(lastLine(shown.out)).toBe(old);
      expect(calls()).toHaveLength(1);
    });

    it("rotates: the new secret and the old one (valid 24 h) are written encrypted, compare-and-set", async () => {
      answer([tenantRow(), { match: "^UPDATE tenants", results: [[{ id: "ten_1" }]] }]);
      const before = Date.now();
      const rotated = run(["scripts/keys.ts", "webhook-secret", "--tenant", "acme", "--rotate", "--remote"], {
        ...env,
        WEBHOOK_SECRETS_KEY: secretsKey,
      });
      expect(rotated.code, rotated.err).toBe(0);
      const fresh = lastLine(rotated.out);
      expect(fresh).toMatch(/^whsec_/);
      expect(fresh).not.toBe(old);
      const update = sqlOf(calls()[1]);
      expect(update).not.toContain("whsec_");
      const match =
        /SET webhook_secret = '(enc1:[^']+)', webhook_secret_previous = '(enc1:[^']+)', webhook_secret_previous_until = (\d+) WHERE id = 'ten_1' AND webhook_secret = '([^']+)'/.exec(
          update,
        );
      const key = await importSecretsKey(secretsKey);
      expect(await decryptSecret(key, match?.[1] ?? "", "ten_1")).toBe(fresh);
      expect(await decryptSecret(key, match?.[2] ?? "", "ten_1")).toBe(old);
      expect(Number(match?.[3]) - before).toBeGreaterThanOrEqual(24 * 3600_000);
      expect(Number(match?.[3]) - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
      expect(match?.[4]).toBe(stored);
    });

    it("refuses a secrets key that does not open the stored secret, and writes nothing", () => {
      answer([tenantRow(), { match: "^UPDATE tenants", results: [[{ id: "ten_1" }]] }]);
      const wrong = keys(
        "webhook-secret",
        "--tenant",
        "acme",
        "--rotate",
        "--remote",
        "--secrets-key",
        createSecretsKey(),
      );
      expect(wrong.code).toBe(1);
      expect(wrong.err).toMatch(/does not open the webhook secrets stored remotely/);
      expect(calls()).toHaveLength(1);
    });

    it("needs the deployed WEBHOOK_SECRETS_KEY", () => {
      const missing = keys("webhook-secret", "--tenant", "acme", "--remote");
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/needs the deployed WEBHOOK_SECRETS_KEY/);
      expect(calls()).toEqual([]);
    });
  });

  it.each([
    ["an unknown flag", ["list", "--remot"], /Unknown option '--remot'/],
    ["an unknown command", ["frobnicate", "--remote"], /unknown command "frobnicate"/],
    ["no command", [], /a command is required/],
    ["a flag of another command", ["list", "--rotate"], /--rotate does not go with list/],
    ["a stray argument", ["list", "extra", "--remote"], /unexpected argument "extra"/],
    ["--secrets-key without --remote", ["webhook-secret", "--tenant", "a", "--secrets-key", "x"], /goes with --remote/],
  ])("exits 2 with the usage for %s", (_name, args, message) => {
    const refused = keys(...args);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(message);
    expect(refused.err).toContain("usage: npm run keys --");
    expect(calls()).toEqual([]);
  });
});

describe("npm run keys -- webhook-secret on local state", () => {
  const state = mkdtempSync(join(tmpdir(), "edge-svm-state-"));
  const env = { EDGE_SVM_STATE_DIR: state };
  const wrangler = (args: string[]) => run(["node_modules/wrangler/bin/wrangler.js", ...args]);
  const storedSecret = () => {
    const out = wrangler([
      "d1",
      "execute",
      "DB",
      "--local",
      "--persist-to",
      state,
      "--json",
      "--command",
      "SELECT id, webhook_secret FROM tenants WHERE name = 'acme'",
    ]).out;
    return (JSON.parse(out) as { results: { id: string; webhook_secret: string }[] }[])[0].results[0];
  };

  beforeAll(() => {
    const migrated = wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
    expect(migrated.code, migrated.err).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  it("shows and rotates a tenant's secret, stored encrypted with the key in .dev.vars", async () => {
    expect(run(["scripts/keys.ts", "create", "--tenant", "acme", "--scopes", "read"], env).code).toBe(0);
    const shown = run(["scripts/keys.ts", "webhook-secret", "--tenant", "acme"], env);
    expect(shown.code, shown.err).toBe(0);
    const first = lastLine(shown.out);
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    // The scripts read the same .dev.vars as `wrangler dev` (made on first use if missing).
    const devKey = /^WEBHOOK_SECRETS_KEY=(.+)$/m.exec(readFileSync(".dev.vars", "utf8"))?.[1] ?? "";
    const row = storedSecret();
    expect(row.webhook_secret).toMatch(/^enc1:/);
    expect(await decryptSecret(await importSecretsKey(devKey), row.webhook_secret, row.id)).toBe(first);

    const rotated = run(["scripts/keys.ts", "webhook-secret", "--tenant", "acme", "--rotate"], env);
    expect(rotated.code, rotated.err).toBe(0);
    const second = lastLine(rotated.out);
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    const again = run(["scripts/keys.ts", "webhook-secret", "--tenant", "acme"], env);
    expect(lastLine(again.out)).toBe(second);
    expect(again.out).toMatch(/the previous one is still accepted/);

    const unknown = run(["scripts/keys.ts", "webhook-secret", "--tenant", "nobody"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no tenant nobody/);
  }, 120_000);
});

describe("scripts/ensure-dev-vars.ts", () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-svm-devvars-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ensure = (path: string) =>
    run([
      "--input-type=module",
      "-e",
      `import { ensureDevVars } from "${process.cwd()}/scripts/ensure-dev-vars.ts"; console.log(ensureDevVars(${JSON.stringify(path)}));`,
    ]);

  it("writes a key when .dev.vars is missing, adds one when it lacks it, and never overwrites", () => {
    const missing = join(dir, "a.vars");
    expect(ensure(missing).out.trim()).toBe("true");
    const key = /^WEBHOOK_SECRETS_KEY=([A-Za-z0-9+/]{43}=)$/m.exec(readFileSync(missing, "utf8"))?.[1];
    expect(key).toBeDefined();
    expect(ensure(missing).out.trim()).toBe("false");
    expect(readFileSync(missing, "utf8")).toContain(`WEBHOOK_SECRETS_KEY=${key}`);

    const other = join(dir, "b.vars");
    writeFileSync(other, "OTHER=1");
    expect(ensure(other).out.trim()).toBe("true");
    expect(readFileSync(other, "utf8")).toMatch(/^OTHER=1\nWEBHOOK_SECRETS_KEY=[A-Za-z0-9+/]{43}=\n$/);
    appendFileSync(other, "# keep\n");
    expect(ensure(other).out.trim()).toBe("false");
    expect(readdirSync(dir).sort()).toEqual(["a.vars", "b.vars"]);
  });
});
