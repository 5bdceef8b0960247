// libsvm-js 0.2.1 (libsvm compiled with emscripten) as an in-process peer: C-SVC with a linear
// kernel, the SMO solver a kernel SVM library uses, as opposed to a linear solver like ours or
// liblinear's. The package ships no types, so the part used here is typed below.
import { createRequire } from "node:module";
import { applyScaler, fitScaler } from "../../model/index.ts";
import type { Dataset } from "../../model/index.ts";
import { toRows } from "./data.ts";

type LibsvmOptions = {
  type: string;
  kernel: string;
  cost: number;
  tolerance: number;
  cacheSize: number;
  quiet: boolean;
};
type LibsvmModel = {
  train(samples: number[][], labels: number[]): void;
  predict(samples: number[][]): number[];
  getSVIndices(): number[];
  free(): void;
};
type Libsvm = {
  new (options: LibsvmOptions): LibsvmModel;
  readonly SVM_TYPES: { readonly C_SVC: string };
  readonly KERNEL_TYPES: { readonly LINEAR: string };
};

/** libsvm's own defaults (-e 0.001, -m 100), named so the output can say what was used. */
export const LIBSVM_TOLERANCE = 0.001;
const CACHE_MB = 100;

/**
 * Loads the WebAssembly build (about 4× faster than the asm.js one here, so the fairer peer). It
 * first tries to stream-compile its .wasm with fetch(), which cannot fetch a file path in Node,
 * prints two lines about it and falls back to reading the file; those two lines are dropped.
 */
export async function loadLibsvm(): Promise<Libsvm> {
  const require = createRequire(import.meta.url);
  const warn = console.warn;
  const notices = ["wasm streaming compile failed", "falling back to ArrayBuffer instantiation"];
  console.warn = (...args: unknown[]) => {
    if (!notices.some((notice) => String(args[0]).startsWith(notice))) warn(...args);
  };
  try {
    return await (require("libsvm-js/wasm") as Promise<Libsvm>);
  } finally {
    console.warn = warn;
  }
}

export type LibsvmFit = { readonly model: LibsvmModel; readonly scaler: ReturnType<typeof fitScaler> };

/**
 * Standardises like trainSvm does (scaler fitted on the training rows), converts to the number[][]
 * libsvm-js takes, and trains C-SVC, linear kernel, C = `cost`. All of it is what a caller of
 * libsvm-js has to do, so all of it is timed, as trainSvm's standardisation is.
 */
export function fitLibsvm(Svm: Libsvm, train: Dataset, cost: number): LibsvmFit {
  const d = train.featureNames.length;
  const scaler = fitScaler(train.x, d);
  const model = new Svm({
    type: Svm.SVM_TYPES.C_SVC,
    kernel: Svm.KERNEL_TYPES.LINEAR,
    cost,
    tolerance: LIBSVM_TOLERANCE,
    cacheSize: CACHE_MB,
    quiet: true,
  });
  model.train(toRows(applyScaler(train.x, scaler), d), Array.from(train.y));
  return { model, scaler };
}

/** Test accuracy of a fit, and how many support vectors it kept. Frees the model's emscripten memory. */
export function assessLibsvm(fit: LibsvmFit, test: Dataset): { accuracy: number; supportVectors: number } {
  const d = test.featureNames.length;
  const predicted = fit.model.predict(toRows(applyScaler(test.x, fit.scaler), d));
  const correct = predicted.filter((label, i) => label === test.y[i]).length;
  const supportVectors = fit.model.getSVIndices().length;
  fit.model.free();
  return { accuracy: correct / test.y.length, supportVectors };
}
