// scikit-learn as a peer measured in the same run. The rows are written to a temporary folder as
// raw float64/uint8 files (exact, unlike CSV) and sklearn_peer.py fits them in a subprocess that
// times its own fits, so Python's start-up and the file reading are never counted.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Dataset } from "../../model/index.ts";

const SCRIPT = fileURLToPath(new URL("sklearn_peer.py", import.meta.url));
export const INSTALL_HINT = "apt-get install -y python3-sklearn";

const PeerOutput = z.object({
  seconds: z.array(z.number()),
  test_accuracy: z.number(),
  n_iter: z.number(),
  converged: z.boolean(),
  versions: z.object({ python: z.string(), numpy: z.string(), sklearn: z.string() }),
});
export type PeerOutput = z.infer<typeof PeerOutput>;

/** What each call fits with: the same C, tolerance and iteration cap as our trainer. */
export type PeerSettings = { C: number; tol: number; maxIter: number; warmups: number; fits: number };

/**
 * The first interpreter that can import sklearn: $BENCH_PYTHON if set, then python3 on the PATH,
 * then Debian's /usr/bin/python3 (where python3-sklearn installs, and which a pyenv or venv
 * python3 earlier on the PATH would otherwise hide). When none can, the names it tried.
 */
export function findPython(): { python: string } | { tried: string[] } {
  const candidates = [process.env.BENCH_PYTHON, "python3", "/usr/bin/python3"].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== "",
  );
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", "import sklearn.svm"], { stdio: "ignore", timeout: 60_000 });
    if (probe.status === 0) return { python };
  }
  return { tried: [...new Set(candidates)] };
}

/** A folder holding train and test rows for sklearn_peer.py; `remove` deletes it. */
export function writePeerFiles(train: Dataset, test: Dataset): { folder: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), "bench-model-"));
  for (const [name, data] of [
    ["train", train],
    ["test", test],
  ] as const) {
    // Float64Array is little-endian on every platform Node runs on; the script reads "<f8".
    writeFileSync(join(folder, `${name}_x.f64`), new Uint8Array(data.x.buffer, data.x.byteOffset, data.x.byteLength));
    writeFileSync(join(folder, `${name}_y.u8`), data.y);
  }
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** One subprocess call: `warmups` untimed fits, then `fits` timed ones. Throws with its stderr on failure. */
export function runPeer(python: string, folder: string, d: number, settings: PeerSettings): PeerOutput {
  const args = JSON.stringify({
    folder,
    d,
    C: settings.C,
    tol: settings.tol,
    max_iter: settings.maxIter,
    warmups: settings.warmups,
    fits: settings.fits,
  });
  const run = spawnSync(python, [SCRIPT, args], { encoding: "utf8", timeout: 600_000 });
  if (run.status !== 0) {
    const stderr = run.stderr.trim().split("\n").slice(-3).join(" / ");
    const why = run.error?.message ?? (stderr === "" ? "nothing on stderr" : stderr);
    throw new Error(`${python} ${SCRIPT} failed (status ${run.status}): ${why}`);
  }
  return PeerOutput.parse(JSON.parse(run.stdout));
}
