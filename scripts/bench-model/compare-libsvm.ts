// trainSvm against libsvm-js's linear C-SVC, both in this process, on identical rows. SMO on a
// kernel SVM grows roughly with the square of the rows (and keeps a third of them as support
// vectors on this noisy set), so this comparison runs on a subsample both sides share.
import { subsample, shape, type Split } from "./data.ts";
import { assessLibsvm, fitLibsvm, LIBSVM_TOLERANCE, loadLibsvm, type LibsvmFit } from "./libsvm-peer.ts";
import { ourResultLine, ourSide, resultLine, SHARED } from "./ours.ts";
import { interleave, medianRoundRatio, medians, ratioText, times, type Side } from "./timing.ts";

export type LibsvmPlan = { rows: number; rounds: number };

const THEIR_LABEL = `libsvm-js 0.2.1 SVC (linear kernel, hinge, wasm, tol ${LIBSVM_TOLERANCE})`;

/** Their side: one fit a round; each fit's emscripten memory is freed once the next one is made. */
function theirSide(svm: Awaited<ReturnType<typeof loadLibsvm>>, split: Split): Side & { last: () => LibsvmFit } {
  let latest: LibsvmFit | null = null;
  const fit = (): number => {
    const started = performance.now();
    const made = fitLibsvm(svm, split.train, SHARED.C);
    const seconds = (performance.now() - started) / 1000;
    latest?.model.free();
    latest = made;
    return seconds;
  };
  return {
    name: "libsvm-js",
    warmUp: () => void fit(),
    round: () => [fit()],
    last: () => {
      if (latest === null) throw new Error("libsvm-js's side has not run");
      return latest;
    },
  };
}

/** Prints the comparison; returns the ratio, or null if libsvm-js could not be loaded. */
export async function compareWithLibsvm(full: Split, plan: LibsvmPlan): Promise<number | null> {
  const split = subsample(full, plan.rows);
  console.log(
    `\n## Training, ${split.label}: train ${shape(split.train)}, test ${shape(split.test)}; ` +
      `${plan.rounds} interleaved rounds × 1 fit a side`,
  );
  console.log(
    `(libsvm-js trains a kernel SVM, whose cost grows about with the square of the rows, so both sides ` +
      `get only these ${plan.rows.toLocaleString("en")} rows.)`,
  );
  let svm: Awaited<ReturnType<typeof loadLibsvm>>;
  try {
    svm = await loadLibsvm();
  } catch (error) {
    console.log(`${THEIR_LABEL}: could not be loaded, no ratio (${error instanceof Error ? error.message : error})`);
    return null;
  }
  const ours = ourSide(split, 1, 1);
  const theirs = theirSide(svm, split);
  const measured = interleave(ours, theirs, plan.rounds);
  const { a: oursSeconds, b: theirSeconds } = medians(measured);
  const { accuracy, supportVectors } = assessLibsvm(theirs.last(), split.test);

  console.log(ourResultLine(oursSeconds, ours.last(), split));
  console.log(
    resultLine(THEIR_LABEL, theirSeconds, accuracy, `${supportVectors.toLocaleString("en")} support vectors`),
  );
  console.log("  (both times include standardisation; libsvm-js's also its copy of the rows into its heap)");
  const ratio = oursSeconds / theirSeconds;
  console.log(
    `same-run ratio vs libsvm-js SVC (linear): ${ratioText(ratio)} on ${plan.rows.toLocaleString("en")} rows ` +
      `(our median fit time ÷ theirs; median of per-round ratios ${times(medianRoundRatio(measured))})`,
  );
  return ratio;
}
