// `npm run bench:model`: a benchmark of the ML core (not a test). Every ratio it prints is against
// a peer measured in this same run, on identical rows, after warm-up, in rounds that alternate
// between the two sides; never against figures stored from another day or machine.
//   - scikit-learn's LinearSVC (squared hinge, primal) in a Python subprocess that times its own
//     fits: on the banknote set and on a noisy synthetic 100,000 × 20 set. If no python3 can import
//     sklearn, the bench says so and prints no ratio for it (apt-get install -y python3-sklearn).
//   - libsvm-js's linear C-SVC in-process, on a subsample of the synthetic set, since a kernel SVM
//     on 80,000 rows would take minutes a fit.
//   - the scoring kernels against a plain loop, beside a copy of that loop as the noise floor.
// The last line is the goal: our fit time at most half of LinearSVC's on 100,000 × 20.
//
//   npm run bench:model      (under a minute on 2 cores; BENCH_PYTHON=… picks the Python)
import { compileModel, trainSvm } from "../model/index.ts";
import { compareWithLibsvm } from "./bench-model/compare-libsvm.ts";
import { compareWithSklearn, describePython, type SklearnOutcome } from "./bench-model/compare-sklearn.ts";
import { banknoteSplit, syntheticSplit } from "./bench-model/data.ts";
import { benchScoring } from "./bench-model/scoring.ts";
import { findPython } from "./bench-model/sklearn-peer.ts";
import { ratioText } from "./bench-model/timing.ts";

const GOAL = 0.5;

function goalLine(outcome: SklearnOutcome): string {
  const goal = `goal: fit time ≤ ${GOAL} × scikit-learn LinearSVC's on 100,000 × 20`;
  if (outcome.ratio === null) return `${goal}: peer ${outcome.why}`;
  return `${goal}: ${outcome.ratio <= GOAL ? "met" : "NOT met"} (R = ${ratioText(outcome.ratio)})`;
}

const started = performance.now();
const python = findPython();
console.log(`Node ${process.versions.node}; ratios are ours ÷ the peer's, same run (below 1 = we are faster)`);
console.log(describePython(python));

// A small set: many fits a round, so each round's median is steady.
compareWithSklearn(
  banknoteSplit(),
  python,
  { rounds: 5, fitsPerRound: 21, ourWarmUps: 10, theirWarmUps: 10 },
  "banknote same-run ratio vs scikit-learn LinearSVC",
);

// The set the goal is about: one fit a round, seven rounds, each subprocess warmed up by one fit.
const synthetic = syntheticSplit();
const outcome = compareWithSklearn(
  synthetic,
  python,
  { rounds: 7, fitsPerRound: 1, ourWarmUps: 1, theirWarmUps: 1 },
  "same-run ratio vs scikit-learn LinearSVC",
);

await compareWithLibsvm(synthetic, { rows: 10_000, rounds: 5 });

benchScoring(compileModel(trainSvm(synthetic.train).model), synthetic.test.x, 10_000);

console.log(`\nbench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(goalLine(outcome));
