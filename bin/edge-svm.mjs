#!/usr/bin/env node
// `npx edge-svm`: runs the CLI (scripts/cli/main.ts) on the project's Node 22, the `node`
// devDependency that npm scripts use, whatever Node started this shim (Node 20 cannot run .ts).
// Plain JavaScript, so any Node can run it. Arguments, stdio and the exit code pass through.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundled = join(root, "node_modules", "node", "bin", "node");
const [major, minor] = process.versions.node.split(".").map(Number);
const current = major > 22 || (major === 22 && minor >= 6);

let node = process.execPath;
let flags = [];
if (existsSync(bundled)) node = bundled;
else if (!current) {
  console.error(
    `edge-svm: Node ${process.versions.node} cannot run TypeScript, and ${bundled} is missing: run "npm install" in ${root}`,
  );
  process.exit(1);
} else if (major === 22 && minor < 18) flags = ["--experimental-strip-types", "--no-warnings=ExperimentalWarning"];

const child = spawn(node, [...flags, join(root, "scripts", "cli", "main.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on("error", (error) => {
  console.error(`edge-svm: cannot run ${node}: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
