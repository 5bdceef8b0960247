// Command-line trainer: reads a labelled CSV, reports k-fold metrics (per fold and mean), then
// trains on all rows and writes a sealed model artifact.
//
//   node scripts/train.ts --data FILE.csv [--label class] [--classes NAME0,NAME1] [--C 1]
//     [--loss squared-hinge|hinge]
//     [--solver auto|newton|dcd] [--class-weight balanced|W0,W1] [--tol 1e-4] [--max-iter 1000]
//     [--folds 5] [--seed 0] [--version ID] [--parent ID] [--out model.json]
//     [--publish [--activate] [--url http://127.0.0.1:8787] [--key KEY]]
//
// The label column holds 0/1 or two words; words become the model's class names, 0 and 1 in
// sorted order unless --classes says which is 0 and which is 1 (--classes also names 0/1 labels).
//
// --publish sends the model (and the CSV, the base for retraining once it is active) to a
// running system's registry as a candidate; --activate makes it the champion.
//
// Exit codes: 0 done, 1 the data or training failed, 2 bad flags or a missing file.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  buildArtifact,
  calibrateOutOfFold,
  crossValidate,
  ClassNamesSchema,
  CsvError,
  DEMO_CLASS_NAMES,
  encodeArtifact,
  formatCsv,
  generateDemoData,
  LossSchema,
  parseCsv,
  trainSvm,
  VersionSchema,
} from "../model/index.ts";
import type { ClassNames, ClassWeight, CrossValidation, Metrics, TrainOptions } from "../model/index.ts";
import { DEMO_SEED } from "../workers/services/seed-demo.ts";
import { publishModel, resolveKey } from "./publish-model.ts";

const USAGE = `usage: npm run train -- (--data FILE.csv | --demo) [--label class] [--classes NAME0,NAME1]
  [--C 1] [--loss squared-hinge|hinge]
  [--solver auto|newton|dcd] [--class-weight balanced|W0,W1] [--tol 1e-4] [--max-iter 1000]
  [--folds 5] [--seed 0] [--version ID] [--parent ID] [--out model.json]
  [--publish [--activate] [--url http://127.0.0.1:8787] [--key KEY]]`;

class UsageError extends Error {}

const DEMO = "(seeded demo data)";

type Settings = {
  data: string;
  label: string;
  classes: ClassNames | undefined;
  folds: number;
  out: string;
  version: string;
  parent: string | null;
  train: TrainOptions;
  publish: { url: string; key: string | undefined; activate: boolean } | null;
};

function readSettings(args: string[]): Settings | null {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      data: { type: "string" },
      demo: { type: "boolean", default: false },
      label: { type: "string", default: "class" },
      classes: { type: "string" },
      C: { type: "string", default: "1" },
      loss: { type: "string", default: "squared-hinge" },
      solver: { type: "string", default: "auto" },
      "class-weight": { type: "string" },
      tol: { type: "string", default: "1e-4" },
      "max-iter": { type: "string", default: "1000" },
      folds: { type: "string", default: "5" },
      seed: { type: "string", default: "0" },
      version: {
        type: "string",
        default: `cli-${new Date()
          .toISOString()
          .replaceAll(":", "")
          .replace(/\.\d+Z$/, "Z")}`,
      },
      parent: { type: "string" },
      out: { type: "string", default: "model.json" },
      publish: { type: "boolean", default: false },
      activate: { type: "boolean", default: false },
      url: { type: "string", default: "http://127.0.0.1:8787" },
      key: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return null;
  if (values.demo && values.data !== undefined) throw new UsageError("give --data FILE.csv or --demo, not both");
  if (values.data === undefined && !values.demo) throw new UsageError("--data FILE.csv (or --demo) is required");
  const loss = LossSchema.safeParse(values.loss);
  if (!loss.success) throw new UsageError(`--loss must be ${LossSchema.options.join(" or ")}, got "${values.loss}"`);
  const solver = values.solver;
  if (solver !== "auto" && solver !== "newton" && solver !== "dcd") {
    throw new UsageError(`--solver must be auto, newton or dcd, got "${solver}"`);
  }
  for (const [flag, id] of [
    ["--version", values.version],
    ["--parent", values.parent],
  ] as const) {
    if (id !== undefined && !VersionSchema.safeParse(id).success) {
      throw new UsageError(`${flag} must be 1–64 characters of A–Z a–z 0–9 . _ -, got "${id}"`);
    }
  }
  if (values.activate && !values.publish) throw new UsageError("--activate goes with --publish");
  return {
    publish: values.publish ? { url: values.url, key: values.key, activate: values.activate } : null,
    data: values.data ?? DEMO,
    label: values.label,
    classes: readClasses(values.classes),
    folds: readNumber("--folds", values.folds, { integer: true, atLeast: 2 }),
    out: values.out,
    version: values.version,
    parent: values.parent ?? null,
    train: {
      C: readNumber("--C", values.C, { above: 0 }),
      loss: loss.data,
      solver,
      classWeight: readClassWeight(values["class-weight"]),
      tol: readNumber("--tol", values.tol, { above: 0 }),
      maxIter: readNumber("--max-iter", values["max-iter"], { integer: true, atLeast: 1 }),
      seed: readNumber("--seed", values.seed, { integer: true, atLeast: 0 }),
    },
  };
}

function readNumber(flag: string, text: string, rule: { integer?: boolean; above?: number; atLeast?: number }): number {
  const value = Number(text);
  const inRange = rule.above !== undefined ? value > rule.above : value >= (rule.atLeast ?? -Infinity);
  if (
    text.trim() === "" ||
    !Number.isFinite(value) ||
    !inRange ||
    (rule.integer === true && !Number.isInteger(value))
  ) {
    const bound = rule.above !== undefined ? `> ${rule.above}` : `≥ ${rule.atLeast}`;
    throw new UsageError(
      `${flag} must be ${rule.integer === true ? "an integer" : "a number"} ${bound}, got "${text}"`,
    );
  }
  return value;
}

function readClasses(text: string | undefined): ClassNames | undefined {
  if (text === undefined) return undefined;
  const parsed = ClassNamesSchema.safeParse(text.split(",").map((name) => name.trim()));
  if (!parsed.success) {
    throw new UsageError(
      `--classes must be two names "NAME0,NAME1" (label 0's first), different, of 1–40 characters each, got "${text}"`,
    );
  }
  return parsed.data;
}

function readClassWeight(text: string | undefined): ClassWeight {
  if (text === undefined) return null;
  if (text === "balanced") return "balanced";
  const parts = text.split(",").map(Number);
  if (parts.length !== 2 || !parts.every((w) => Number.isFinite(w) && w > 0)) {
    throw new UsageError(`--class-weight must be "balanced" or two positive numbers "W0,W1", got "${text}"`);
  }
  return { "0": parts[0], "1": parts[1] };
}

const format = (value: number | null): string => (value === null ? "  n/a " : value.toFixed(4));
const metricCells = (m: Metrics): string =>
  [m.accuracy, m.precision, m.recall, m.f1, m.rocAuc].map((v) => format(v).padStart(10)).join("");

function printCrossValidation(cv: CrossValidation, folds: number, seconds: number): void {
  console.log(`\n${folds}-fold cross-validation (row i in fold i % ${folds}), ${seconds.toFixed(3)} s`);
  console.log(
    `fold  rows${["accuracy", "precision", "recall", "f1", "roc_auc"].map((h) => h.padStart(10)).join("")}  iterations`,
  );
  for (const fold of cv.folds) {
    const note = fold.converged ? "" : " (cap reached)";
    console.log(
      `${String(fold.fold).padEnd(4)}${String(fold.testRows).padStart(6)}${metricCells(fold.metrics)}  ${fold.iterations}${note}`,
    );
  }
  console.log(`mean${"".padStart(6)}${metricCells(cv.metrics)}`);
}

/** The CSV's dataset; a label that is none of --classes is a usage error (exit 2) naming its line. */
function readData(csv: string, label: string, classes: Readonly<ClassNames> | undefined) {
  try {
    return parseCsv(csv, { label, classes });
  } catch (error) {
    if (error instanceof CsvError && error.code === "classes") throw new UsageError(`${error.message}; see --classes`);
    throw error;
  }
}

async function main(): Promise<number> {
  const settings = readSettings(process.argv.slice(2));
  if (settings === null) {
    console.log(USAGE);
    return 0;
  }
  if (settings.data !== DEMO && !existsSync(settings.data)) throw new UsageError(`no such file: ${settings.data}`);
  // --demo: the same seeded demo data that `npm start` trains its first model on.
  const csv = settings.data === DEMO ? formatCsv(generateDemoData(DEMO_SEED)) : readFileSync(settings.data, "utf8");
  // The demo data's labels are 0/1; its classes have names of their own.
  const classes = settings.classes ?? (settings.data === DEMO ? DEMO_CLASS_NAMES : undefined);
  const data = readData(csv, settings.label, classes);
  const ones = data.y.reduce((sum, label) => sum + label, 0);
  const [name0, name1] = data.classNames ? data.classNames.map((name) => ` (${name})`) : ["", ""];
  console.log(
    `data    ${settings.data}: ${data.y.length} rows × ${data.featureNames.length} features (${data.featureNames.join(", ")})`,
  );
  console.log(`        class 0${name0}: ${data.y.length - ones}, class 1${name1}: ${ones}`);

  let started = performance.now();
  const cv = crossValidate(data, { ...settings.train, folds: settings.folds });
  printCrossValidation(cv, settings.folds, (performance.now() - started) / 1000);

  started = performance.now();
  const result = trainSvm(data, settings.train);
  const trainSeconds = (performance.now() - started) / 1000;
  const hp = result.hyperparameters;
  console.log(`\nfull fit: loss ${hp.loss}, C ${hp.C}, solver ${hp.solver}, seed ${hp.seed}, tol ${hp.tol}`);
  console.log(
    `          ${result.iterations} iterations, ${result.converged ? "converged" : `NOT converged (cap ${hp.maxIter})`}, ${(trainSeconds * 1000).toFixed(1)} ms`,
  );

  const artifact = await buildArtifact({
    version: settings.version,
    parentVersion: settings.parent,
    data,
    result,
    metrics: cv.metrics,
    ...calibrateOutOfFold(cv, data.y),
  });
  writeFileSync(settings.out, `${await encodeArtifact(artifact)}\n`);
  console.log(`\nwrote   ${settings.out}: version ${artifact.version}, ${artifact.checksum}`);
  if (settings.publish) {
    const key = resolveKey(settings.publish.key);
    // The registry reads datasets with 0/1 labels in a column named "class".
    const dataset = settings.label === "class" && !data.classNames ? csv : formatCsv(data);
    const published = await publishModel({ ...settings.publish, key, artifact, dataset });
    console.log(`published ${published.version} to ${settings.publish.url}: ${published.status}`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError ||
      (error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"));
    if (usage) {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof CsvError) {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
    } else {
      console.error(error instanceof Error ? `error: ${error.message}` : error);
      process.exitCode = 1;
    }
  },
);
