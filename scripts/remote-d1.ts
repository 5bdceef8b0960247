// The deployed D1, through `wrangler d1 execute DB --remote --json` (needs `npx wrangler login`).
// Tests point EDGE_SVM_WRANGLER at a stand-in executable that records its arguments.
import { spawnSync } from "node:child_process";

export type Row = Record<string, unknown>;

/** Every string put into SQL has been validated or minted by us; this refuses anything else. */
const SAFE_TEXT = /^[\w .:@/+=,-]*$/;

export function sqlValue(value: string | number | null): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`refusing to put ${value} into SQL`);
    return String(value);
  }
  if (!SAFE_TEXT.test(value)) throw new Error(`refusing to put ${JSON.stringify(value)} into SQL`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** Runs one or more `;`-separated statements; answers the rows of each, in order. */
export function executeRemote(sql: string): Row[][] {
  const [command, ...prefix] = process.env.EDGE_SVM_WRANGLER ? [process.env.EDGE_SVM_WRANGLER] : ["npx", "wrangler"];
  const run = spawnSync(command, [...prefix, "d1", "execute", "DB", "--remote", "--json", "--command", sql], {
    encoding: "utf8",
    stdio: ["inherit", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  let output: unknown;
  try {
    output = JSON.parse(run.stdout);
  } catch {
    output = null;
  }
  if (run.status !== 0 || !Array.isArray(output)) {
    const reason = (output as { error?: { text?: string } } | null)?.error?.text ?? run.error?.message ?? "no JSON";
    throw new Error(
      `wrangler d1 execute --remote failed (${reason}); is \`npx wrangler login\` done and the database id in wrangler.toml?`,
    );
  }
  return output.map((statement: { results?: Row[] }) => statement.results ?? []);
}
