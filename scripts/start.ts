// `npm start`: wrangler dev in the foreground (its own stdio, so its keys and logs work as
// usual) and, in this process, the dev cron ticker that wrangler dev lacks. Arguments after
// `npm start --` go to wrangler dev. This process ends with wrangler dev and with its exit code;
// SIGINT and SIGTERM are passed on to it so it shuts workerd down cleanly.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { devOrigin, readCrons, startDevCron, wranglerDevArgs } from "./dev-cron.ts";

const WRANGLER = "node_modules/wrangler/bin/wrangler.js";
const args = wranglerDevArgs(process.argv.slice(2));

// Read and check the schedule before starting anything, so a cron the ticker cannot follow stops
// `npm start` with a clear message instead of silently never retraining.
let ticker: { stop: () => void };
try {
  ticker = startDevCron({ origin: devOrigin(args), crons: readCrons() });
} catch (error) {
  console.error(`npm start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

const wrangler = spawn(process.execPath, [WRANGLER, ...args], { stdio: "inherit" });

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    ticker.stop();
    if (wrangler.exitCode === null && wrangler.signalCode === null) wrangler.kill(signal);
  });
}

wrangler.on("error", (error) => {
  ticker.stop();
  console.error(`npm start: could not run wrangler dev: ${error.message}`);
  process.exitCode = 1;
});

wrangler.on("exit", (code, signal) => {
  ticker.stop();
  process.exitCode = code ?? 128 + (signal === null ? 0 : constants.signals[signal]);
});
