"""Benchmark: sklearn_mathdl.MLPClassifier against sklearn.neural_network.MLPClassifier.

Both estimators are trained side by side in one process with the same
architecture (256, 128), ReLU, Adam, minibatches of 200, learning rate 1e-3,
alpha 1e-4, the same number of epochs and the same random_state. Ours runs in
its default float32, scikit-learn in its default float64. For each case the
script prints the per-epoch time (fit time / ``n_iter_``, median over repeats
in which the two estimators alternate), the ratio sklearn/ours, the held-out
accuracy of both, and the "GEMM floor": the time of the bare float32 matrix
products one epoch of backpropagation needs (forward ``A_{l-1} @ W_l``,
backward ``A_{l-1}.T @ delta_l`` and ``delta_l @ W_l.T``), which no
implementation of this training loop can go below.

Cases:

a. ``make_classification``: 60000 train / 10000 test samples, 100 features,
   10 classes, standardised; 10 epochs.
b. Fashion-MNIST (60000 train / 10000 test, 784 pixels scaled to [0, 1]);
   10 epochs. Read from ``../shared/data/fashion-mnist`` next to the
   repository or ``/usr/share/datasets/fashion-mnist``; skipped when absent.

Usage::

    python benchmarks/bench_mlp.py [--quick] [--repeats N] [--cases a,b] [--threads N]

``--quick`` runs 3 epochs on 20000 training samples. ``--threads N`` forces N
BLAS threads for both estimators and the GEMM floor; by default nothing is
overridden (ours chooses its BLAS thread count inside ``fit``).
"""

import argparse
import gc
import gzip
import os
import statistics
import sys
import time
import warnings
from contextlib import nullcontext
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

from sklearn_mathdl import MLPClassifier

HIDDEN = (256, 128)
BATCH_SIZE = 200
COMMON = dict(
    hidden_layer_sizes=HIDDEN,
    activation="relu",
    solver="adam",
    batch_size=BATCH_SIZE,
    learning_rate_init=1e-3,
    alpha=1e-4,
    tol=0.0,
    shuffle=True,
    random_state=0,
)
FASHION_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
FASHION_DIRS = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-mnist",
    Path("/usr/share/datasets/fashion-mnist"),
)


# ------------------------------------------------------------------ data
def load_case_a(quick):
    n_train = 20000 if quick else 60000
    X, y = make_classification(
        n_samples=n_train + 10000,
        n_features=100,
        n_informative=40,
        n_classes=10,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=n_train, test_size=10000, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def find_fashion_mnist():
    for folder in FASHION_DIRS:
        if all((folder / name).is_file() for name in FASHION_FILES):
            return folder
    return None


def _read_idx(path, offset):
    with gzip.open(path) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_case_b(quick):
    folder = find_fashion_mnist()
    if folder is None:
        return None
    X_train = _read_idx(folder / FASHION_FILES[0], 16).reshape(-1, 784) / 255.0
    y_train = _read_idx(folder / FASHION_FILES[1], 8)
    X_test = _read_idx(folder / FASHION_FILES[2], 16).reshape(-1, 784) / 255.0
    y_test = _read_idx(folder / FASHION_FILES[3], 8)
    if quick:
        X_train, y_train = X_train[:20000], y_train[:20000]
    return X_train, X_test, y_train, y_test


CASES = {
    "a": ("make_classification 100 features, 10 classes", load_case_a),
    "b": ("Fashion-MNIST 784 pixels, 10 classes", load_case_b),
}


# ------------------------------------------------------------ estimators
def make_ours(epochs, threads=None, callbacks=None):
    clf = MLPClassifier(
        **COMMON, max_iter=epochs, n_iter_no_change=epochs + 1, callbacks=callbacks
    )
    if threads is not None:
        # Ours sets its own BLAS thread count inside fit, which would override
        # an outer threadpool_limits: force the requested count instead.
        clf._blas_threads = lambda X: threads
    return clf


def make_sklearn(epochs):
    return SkMLPClassifier(**COMMON, max_iter=epochs, n_iter_no_change=epochs + 1)


def timed_fit(clf, X, y):
    """Fit and return (seconds per epoch, epochs run)."""
    gc.collect()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    elapsed = time.perf_counter() - start
    return elapsed / clf.n_iter_, clf.n_iter_


def ours_blas_threads(X, y, threads):
    """BLAS threads in effect inside our fit (read by a callback in one epoch)."""
    seen = []

    def record(estimator, info):
        seen.extend(
            lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        make_ours(1, threads, callbacks=[record]).fit(X[:1000], y[:1000])
    return sorted(set(seen))


# ------------------------------------------------------------ GEMM floor
class GemmFloor:
    """The float32 matrix products of one epoch of backprop, preallocated.

    Per minibatch of rows ``X_b``: forward ``X_b @ W1``, ``A1 @ W2``,
    ``A2 @ W3``; backward ``A_{l-1}.T @ delta_l`` for the three layers and
    ``delta_l @ W_l.T`` for layers 3 and 2.
    """

    def __init__(self, X, n_outputs, batch_size=BATCH_SIZE, seed=0):
        rng = np.random.default_rng(seed)
        self.X = np.ascontiguousarray(X, dtype=np.float32)
        self.batch_size = batch_size
        sizes = [X.shape[1], *HIDDEN, n_outputs]

        def rand(*shape):
            return rng.standard_normal(shape, dtype=np.float32)

        self.W = [rand(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
        self.gW = [np.empty_like(W) for W in self.W]
        # Z[l]: output of layer l + 1 (also used as A_l and as delta_l).
        self.Z = [rand(batch_size, b) for b in sizes[1:]]
        self.D = [rand(batch_size, b) for b in sizes[1:]]  # incoming deltas

    def epoch(self):
        """Run the epoch's products and return the elapsed seconds."""
        X, bs, W, gW, Z, D = self.X, self.batch_size, self.W, self.gW, self.Z, self.D
        dot = np.dot
        start = time.perf_counter()
        for begin in range(0, X.shape[0], bs):
            Xb = X[begin : begin + bs]
            n = Xb.shape[0]
            A = [Xb, Z[0][:n], Z[1][:n]]
            # forward
            dot(Xb, W[0], out=Z[0][:n])
            dot(A[1], W[1], out=Z[1][:n])
            dot(A[2], W[2], out=Z[2][:n])
            # backward, output layer first
            dot(A[2].T, D[2][:n], out=gW[2])
            dot(D[2][:n], W[2].T, out=D[1][:n])
            dot(A[1].T, D[1][:n], out=gW[1])
            dot(D[1][:n], W[1].T, out=D[0][:n])
            dot(A[0].T, D[0][:n], out=gW[0])
        return time.perf_counter() - start


# ----------------------------------------------------------------- driver
def blas_summary():
    libs = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    if not libs:
        return "no BLAS found by threadpoolctl"
    return "; ".join(
        f"{lib['internal_api']} {lib.get('version')} "
        f"({os.path.basename(lib['filepath'])}, {lib.get('threading_layer')}, "
        f"{lib.get('architecture')}): num_threads={lib['num_threads']}"
        for lib in libs
    )


def fmt_list(values, spec=".3f"):
    return "[" + ", ".join(format(v, spec) for v in values) + "]"


def ambient_blas_threads():
    counts = {
        lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
    }
    return min(counts) if counts else None


def load_average():
    try:
        return "load average " + ", ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:  # not available on this platform
        return "load average n/a"


def cpu_busy_fraction(seconds=1.0):
    """Fraction of the machine's CPU time not idle during ``seconds`` (Linux)."""

    def read():
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    try:
        total0, idle0 = read()
        time.sleep(seconds)
        total1, idle1 = read()
    except (OSError, ValueError, IndexError):
        return None
    total = total1 - total0
    return 1 - (idle1 - idle0) / total if total else None


def run_case(name, data, epochs, repeats, threads):
    X_train, X_test, y_train, y_test = data
    n_classes = np.unique(y_train).size
    ours_threads = ours_blas_threads(X_train, y_train, threads)
    ambient = ambient_blas_threads()
    print(
        f"case {name}: {X_train.shape[0]} train / {X_test.shape[0]} test samples, "
        f"{X_train.shape[1]} features, {n_classes} classes, {epochs} epochs, "
        f"{repeats} repeat(s); BLAS threads: ours {ours_threads} (set inside its "
        f"fit), sklearn and GEMM floor {ambient}; {load_average()}",
        flush=True,
    )
    floor = GemmFloor(X_train, n_classes)

    # Warm-up: one epoch of each estimator and one floor epoch.
    timed_fit(make_ours(1, threads), X_train, y_train)
    timed_fit(make_sklearn(1), X_train, y_train)
    floor.epoch()

    # The floor is timed with the ambient BLAS threads (the default, or
    # --threads); when ours picks another count inside fit, time the floor
    # once with that count too.
    other = [t for t in ours_threads if t != ambient]
    for t in other:
        with threadpool_limits(t, user_api="blas"):
            seconds = floor.epoch()
        print(f"  GEMM floor with {t} BLAS thread(s) (as inside ours): {seconds:.3f} s")

    times = {"ours": [], "sklearn": [], "floor": []}
    accs = {"ours": [], "sklearn": []}
    iters = {"ours": [], "sklearn": []}
    for r in range(repeats):
        # Alternate which estimator goes first so drifts hit both.
        order = ("ours", "sklearn") if r % 2 == 0 else ("sklearn", "ours")
        for which in order:
            clf = (
                make_ours(epochs, threads) if which == "ours" else make_sklearn(epochs)
            )
            per_epoch, n_iter = timed_fit(clf, X_train, y_train)
            times[which].append(per_epoch)
            iters[which].append(n_iter)
            accs[which].append(clf.score(X_test, y_test))
        times["floor"].append(floor.epoch())
        print(
            f"  repeat {r + 1}: ours {times['ours'][-1]:.3f} s/epoch "
            f"(acc {accs['ours'][-1]:.4f}) | sklearn {times['sklearn'][-1]:.3f} "
            f"s/epoch (acc {accs['sklearn'][-1]:.4f}) | GEMM floor "
            f"{times['floor'][-1]:.3f} s | {load_average()}",
            flush=True,
        )

    med = {k: statistics.median(v) for k, v in times.items()}
    labels = {
        "ours": "sklearn_mathdl float32",
        "sklearn": "scikit-learn   float64",
    }
    for which in ("ours", "sklearn"):
        print(
            f"case {name} {labels[which]}: {med[which]:.3f} s/epoch "
            f"(median of {fmt_list(times[which])}), n_iter_={iters[which][-1]}, "
            f"test accuracy {accs[which][-1]:.4f}"
        )
    print(
        f"case {name}: ours {med['ours']:.3f} s/epoch (acc {accs['ours'][-1]:.3f}) "
        f"| sklearn {med['sklearn']:.3f} s/epoch (acc {accs['sklearn'][-1]:.3f}) "
        f"| speed-up {med['sklearn'] / med['ours']:.1f}x "
        f"| GEMM floor {med['floor']:.3f} s -> ours/floor "
        f"{med['ours'] / med['floor']:.1f}x",
        flush=True,
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="3 epochs on 20000 training samples"
    )
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats")
    parser.add_argument(
        "--cases", default="a,b", help="comma-separated cases among a, b"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="force this many BLAS threads for both estimators and the floor",
    )
    args = parser.parse_args(argv)
    args.cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose among {sorted(CASES)}")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    epochs = 3 if args.quick else 10
    print(f"BLAS: {blas_summary()}")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    busy = cpu_busy_fraction()
    print(
        f"cores available: {cores or os.cpu_count()}; {load_average()}; CPU busy "
        + ("n/a" if busy is None else f"{busy:.0%}")
        + " in the second before the start"
    )
    if busy is not None and busy > 0.25:
        print(
            "WARNING: other processes are using the CPU; timings, multi-threaded "
            "BLAS ones above all, will be unreliable."
        )
    if args.threads is not None:
        print(f"--threads {args.threads}: BLAS limited to {args.threads} thread(s)")
    limits = (
        threadpool_limits(args.threads, user_api="blas")
        if args.threads is not None
        else nullcontext()
    )
    with limits:
        for name in args.cases:
            title, loader = CASES[name]
            data = loader(args.quick)
            if data is None:
                print(
                    f"case {name} ({title}): SKIPPED, data not found in "
                    + " or ".join(str(d) for d in FASHION_DIRS)
                    + ". Get it with `apt-get install dataset-fashion-mnist` "
                    "(installs /usr/share/datasets/fashion-mnist).",
                    flush=True,
                )
                continue
            print(f"--- case {name}: {title}")
            run_case(name, data, epochs, args.repeats, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
