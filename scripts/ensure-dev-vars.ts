// `npm start` runs this first. The local Worker and the CLI scripts need WEBHOOK_SECRETS_KEY (it
// encrypts webhook secrets at rest); locally it lives in .dev.vars, which `wrangler dev` and
// getPlatformProxy both read. A random key is added when the file is missing or lacks one;
// an existing key is never overwritten (secrets already stored would no longer open).
import { appendFileSync, linkSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSecretsKey } from "../workers/codecs/secret-box.ts";

const HEADER = "# Local Worker secrets for wrangler dev and the CLI scripts (never committed).\n";

/** True when it wrote a new key. */
export function ensureDevVars(path = ".dev.vars"): boolean {
  const line = `WEBHOOK_SECRETS_KEY=${createSecretsKey()}\n`;
  // Written aside and linked into place: the file appears whole or not at all, even when two
  // scripts start at once, and whichever links first wins.
  const draft = `${path}.${process.pid}.tmp`;
  writeFileSync(draft, HEADER + line, { mode: 0o600 });
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  const text = readFileSync(path, "utf8");
  if (/^\s*(?:export\s+)?WEBHOOK_SECRETS_KEY\s*=/m.test(text)) return false;
  appendFileSync(path, (text === "" || text.endsWith("\n") ? "" : "\n") + line);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (ensureDevVars()) console.log("made a local WEBHOOK_SECRETS_KEY in .dev.vars");
}
