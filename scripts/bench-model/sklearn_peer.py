"""scikit-learn's side of `npm run bench:model` (scripts/bench-model/sklearn-peer.ts runs it).

Reads the exact rows the bench trained on from a folder of raw files, fits
StandardScaler + LinearSVC (the same work trainSvm does: standardise, then fit), times its own
fits with time.perf_counter around fit only, and prints one JSON line on stdout:
{"seconds": [...], "test_accuracy": ..., "n_iter": ..., "converged": ..., "versions": {...}}.

Usage: python3 sklearn_peer.py '{"folder": ..., "d": 20, "C": 1, "tol": 1e-4,
        "max_iter": 1000, "warmups": 1, "fits": 1}'
"""

import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC


def load(folder, name, d):
    """Row-major little-endian float64 features and uint8 labels, as sklearn-peer.ts wrote them."""
    x = np.fromfile(folder / f"{name}_x.f64", dtype="<f8").reshape(-1, d)
    y = np.fromfile(folder / f"{name}_y.u8", dtype=np.uint8)
    return x, y


def make_model(args):
    # Squared hinge (sklearn's default loss) with dual=False: liblinear's primal trust-region
    # Newton, the right choice when rows far outnumber features, and the closest to our primal
    # Newton. liblinear regularises the intercept as we do (intercept_scaling=1).
    svc = LinearSVC(
        C=args["C"],
        loss="squared_hinge",
        dual=False,
        tol=args["tol"],
        max_iter=args["max_iter"],
    )
    return make_pipeline(StandardScaler(), svc)


def main():
    args = json.loads(sys.argv[1])
    folder = Path(args["folder"])
    x, y = load(folder, "train", args["d"])
    x_test, y_test = load(folder, "test", args["d"])
    # A capped solver is reported through "converged", not through a warning on stderr.
    warnings.simplefilter("ignore", ConvergenceWarning)

    for _ in range(args["warmups"]):
        make_model(args).fit(x, y)
    seconds = []
    for _ in range(args["fits"]):
        model = make_model(args)
        started = time.perf_counter()
        model.fit(x, y)
        seconds.append(time.perf_counter() - started)

    n_iter = int(model[-1].n_iter_)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "test_accuracy": float(model.score(x_test, y_test)),
                "n_iter": n_iter,
                "converged": n_iter < args["max_iter"],
                "versions": {
                    "python": platform.python_version(),
                    "numpy": np.__version__,
                    "sklearn": sklearn.__version__,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
