// trainSvm against scikit-learn's LinearSVC on identical rows, interleaved in the same run: a round
// of our in-process fits, then one subprocess call of theirs (or the other way round), alternating.
import type { TrainResult } from "../../model/index.ts";
import type { Split } from "./data.ts";
import { shape } from "./data.ts";
import { ourResultLine, ourSide, ourTestAccuracy, resultLine, SHARED } from "./ours.ts";
import { INSTALL_HINT, runPeer, writePeerFiles, type PeerOutput } from "./sklearn-peer.ts";
import {
  interleave,
  median,
  medianRoundRatio,
  medians,
  ratioText,
  times,
  type Interleaved,
  type Side,
} from "./timing.ts";

/** How many rounds, and how many fits a side does in each (fast sets need several per round). */
export type SklearnPlan = { rounds: number; fitsPerRound: number; ourWarmUps: number; theirWarmUps: number };

/** Where the Python that can import sklearn is, or why there is none. */
export type Python = { python: string } | { tried: string[] };

/** What a comparison found: a ratio only when the peer ran in this run. */
export type SklearnOutcome = { ratio: number; agree: boolean } | { ratio: null; why: "absent" | "failed" };

const THEIR_LABEL = "scikit-learn LinearSVC (squared hinge, dual=False)";
/** How far apart the two test accuracies may be and still count as the same model. */
const AGREEMENT_POINTS = 0.3;

export function describePython(found: Python): string {
  return "python" in found
    ? `scikit-learn: ${found.python}, fit timed inside the subprocess with time.perf_counter`
    : `scikit-learn: absent (no python3 that can import sklearn; tried ${found.tried.join(", ")}). ` +
        `Install it with: ${INSTALL_HINT}. No ratio against scikit-learn is printed.`;
}

/** Their side: each round is one subprocess call that warms up in its own process, then times fits. */
function theirSide(python: string, folder: string, split: Split, plan: SklearnPlan): Side & { last: () => PeerOutput } {
  const d = split.train.featureNames.length;
  const call = (fits: number): PeerOutput =>
    runPeer(python, folder, d, { ...SHARED, warmups: plan.theirWarmUps, fits });
  let latest: PeerOutput | null = null;
  return {
    name: "scikit-learn",
    // One whole call first, so that the first timed round does not also pay for cold caches.
    warmUp: () => void call(1),
    round: () => {
      latest = call(plan.fitsPerRound);
      return latest.seconds;
    },
    last: () => {
      if (latest === null) throw new Error("scikit-learn's side has not run");
      return latest;
    },
  };
}

/** Prints the comparison on one split; `ratioLabel` names the line the ratio is printed on. */
export function compareWithSklearn(split: Split, found: Python, plan: SklearnPlan, ratioLabel: string): SklearnOutcome {
  console.log(
    `\n## Training, ${split.label}: train ${shape(split.train)}, test ${shape(split.test)}; ` +
      `${plan.rounds} interleaved rounds × ${plan.fitsPerRound} fit${plan.fitsPerRound > 1 ? "s" : ""} a side`,
  );
  const ours = ourSide(split, plan.ourWarmUps, plan.fitsPerRound);
  if (!("python" in found)) {
    // Still time ours, alone, so the section shows what it can; there is nothing to divide by.
    ours.warmUp();
    const seconds = Array.from({ length: plan.rounds }, () => ours.round()).flat();
    console.log(ourResultLine(median(seconds), ours.last(), split));
    console.log(`${THEIR_LABEL}: peer absent (${INSTALL_HINT}), no ratio`);
    return { ratio: null, why: "absent" };
  }
  const files = writePeerFiles(split.train, split.test);
  try {
    const theirs = theirSide(found.python, files.folder, split, plan);
    const measured = interleave(ours, theirs, plan.rounds);
    return report(split, measured, ours.last(), theirs.last(), ratioLabel);
  } catch (error) {
    console.log(`${THEIR_LABEL}: peer failed, no ratio: ${error instanceof Error ? error.message : String(error)}`);
    return { ratio: null, why: "failed" };
  } finally {
    files.remove();
  }
}

function report(
  split: Split,
  measured: Interleaved,
  ours: TrainResult,
  theirs: PeerOutput,
  ratioLabel: string,
): SklearnOutcome {
  const { a: oursSeconds, b: theirSeconds } = medians(measured);
  const state = theirs.converged ? "converged" : "stopped at the cap";
  console.log(ourResultLine(oursSeconds, ours, split));
  console.log(
    resultLine(THEIR_LABEL, theirSeconds, theirs.test_accuracy, `${theirs.n_iter} trust-region Newton steps, ${state}`),
  );
  const { python, numpy, sklearn } = theirs.versions;
  console.log(
    `  (scikit-learn ${sklearn}, numpy ${numpy}, Python ${python}; C ${SHARED.C}, tol ${SHARED.tol}, ` +
      `max_iter ${SHARED.maxIter}, liblinear's primal solver; both times include standardisation)`,
  );
  const ratio = oursSeconds / theirSeconds;
  console.log(
    `${ratioLabel}: ${ratioText(ratio)}  (our median fit time ÷ theirs; ` +
      `median of per-round ratios ${times(medianRoundRatio(measured))})`,
  );
  const apart = Math.abs(ourTestAccuracy(ours, split) - theirs.test_accuracy) * 100;
  const agree = apart <= AGREEMENT_POINTS + 1e-9;
  console.log(
    `test accuracies agree within ±${AGREEMENT_POINTS} points: ${agree ? "yes" : "NO"} (${apart.toFixed(2)} points apart)`,
  );
  return { ratio, agree };
}
