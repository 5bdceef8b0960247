// The `edge-svm` command line (bin/edge-svm.mjs runs it on the project's Node 22): submit CSV
// files for scoring, read batches, send feedback, manage models, and (through scripts/keys.ts and
// scripts/train.ts) keys, webhook secrets and training. See `edge-svm --help`.
import { describeError, EXIT, UsageError } from "./errors.ts";
import { feedback } from "./feedback.ts";
import { get, models } from "./models.ts";
import { keys, train, webhookSecret } from "./delegate.ts";
import { submit } from "./submit.ts";

export const HELP = `usage: edge-svm COMMAND [options] [--config FILE]

commands
  submit FILE.csv [--wait] [--out preds.csv] [--id-column C] [--batch-rows 10000] [--parallel 4]
      score a CSV: its columns named like the model's features (GET /v1/me) are sent in batches
      (others, such as a label, are ignored); prints the batch ids. Re-running the same command
      after an interruption gets the same batches back, never duplicates. --wait waits for every
      batch; --out (implies --wait) writes row,id,label,probability,margin,modelVersion per input row
  get BATCH_ID                      print a batch (status and predictions) as JSON
  feedback FILE.csv                 send true labels: columns batchId,row,label (or batchId,id,label,
                                    or predictionId,label for POST /v1/predict rows)
  models list                       the registry (* marks the champion)
  models show VERSION               one model as JSON
  models activate VERSION           make a version the champion (promote or roll back)
  models retrain [--force]          retrain now and print the outcome
  keys create|list|revoke [...]     API keys (runs npm run keys; --remote for the deployed D1)
  webhook-secret show|rotate --tenant NAME [--remote]
  train [...]                       train a model from a CSV (runs npm run train; see train --help)

configuration (first found wins, per value)
  EDGE_SVM_URL, EDGE_SVM_KEY        environment variables
  --config FILE, else ./.edge-svm.json, else $XDG_CONFIG_HOME/edge-svm/config.json
                                    (~/.config/edge-svm/config.json): {"url": "…", "key": "…"}
  otherwise the local npm start:    http://127.0.0.1:8787 and .wrangler/state/dev-admin-key

exit codes
  0 success   1 usage error (arguments, files)   2 API error (4xx/5xx: its code is printed)
  3 cannot reach the server   4 a batch failed
  keys, webhook-secret and train exit with the codes of scripts/keys.ts and scripts/train.ts`;

const COMMANDS: Record<string, (args: string[]) => Promise<number | void>> = {
  submit,
  get,
  feedback,
  models,
  keys,
  "webhook-secret": webhookSecret,
  train,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    console.log(HELP);
    return EXIT.ok;
  }
  try {
    if (command === undefined) throw new UsageError("a command is needed");
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}"`);
    // train prints its own usage; every other command prints this one.
    if (command !== "train" && (args.includes("--help") || args.includes("-h"))) {
      console.log(HELP);
      return EXIT.ok;
    }
    return (await run(args)) ?? EXIT.ok;
  } catch (error) {
    const { code, message } = describeError(error);
    console.error(`edge-svm ${command ?? ""}: ${message}`.replace("  ", " "));
    if (code === EXIT.usage) console.error("run edge-svm --help for usage");
    return code;
  }
}

process.exitCode = await main(process.argv.slice(2));
