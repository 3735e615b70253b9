"""Benchmark: sklearn_mathdl's MLPs against scikit-learn's, at equal precision.

Both estimators are trained side by side in one process with the same
architecture (256, 128), ReLU, Adam, minibatches of 200, learning rate 1e-3,
alpha 1e-4, the same number of epochs (``tol=0``, no early stop) and the same
random_state, on the same input: float64 input for both (ours with
``dtype="float64"``) and float32 input for both (``dtype="float32"``;
scikit-learn keeps float32 input in float32). For each case and precision the
script prints the median time per epoch (fit time / ``n_iter_``; repeats
alternate which estimator goes first, so drifts of a shared machine hit both),
the speed-up sklearn/ours, the held-out accuracy (R² for regression) of both,
and the "GEMM floor" of that precision: the time of the bare matrix products
one epoch of backpropagation needs (forward ``A_{l-1} @ W_l``, backward
``A_{l-1}.T @ delta_l`` and ``delta_l @ W_l.T``), into preallocated arrays,
the faster of 1 and 2 BLAS threads. No implementation of this training loop
can go below it; ``ours/floor`` is the overhead of everything else (loss,
activations, bias gradients, optimizer step, minibatch gathering, Python).

Cases:

a. ``make_classification``: 45000 train / 10000 test samples, 100 features,
   10 classes, standardised; 10 epochs.
b. Fashion-MNIST: 60000 train / 10000 test, 784 pixels scaled to [0, 1];
   5 epochs. Read from ``../shared/data/fashion-mnist`` next to the
   repository or ``/usr/share/datasets/fashion-mnist``; skipped with a
   message when absent.
c. ``make_friedman1`` regression (MLPRegressor, squared error): 20000 train /
   5000 test samples, 10 features, standardised target; 10 epochs. Skipped
   with a message when ``sklearn_mathdl.MLPRegressor`` does not exist.

Usage (full runs take a few minutes: serialise them with other benchmarks)::

    flock /tmp/mathdl_bench.lock python benchmarks/bench_mlp.py
    python benchmarks/bench_mlp.py --quick --repeats 1
    python benchmarks/bench_mlp.py [--cases a,b,c] [--precisions float64,float32]
        [--repeats N] [--threads N] [--first-fit]

``--first-fit`` first times, in fresh processes, the import and the first fits
of a (256, 128) network: with the compiled kernels not yet cached (an empty
``NUMBA_CACHE_DIR``: what the first process on a machine pays), cached, and on
the numpy path.

``--quick`` runs 2 epochs on at most 10000 training samples. ``--threads N``
limits BLAS to N threads for both estimators and the floor; by default ours
chooses its count inside ``fit`` (capped by the cores and any limit in force)
and scikit-learn uses the ambient count.
"""

import argparse
import gc
import gzip
import os
import statistics
import subprocess
import sys
import time
import warnings
from contextlib import nullcontext
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

from sklearn_mathdl import MLPClassifier

try:  # being written alongside this benchmark: case c waits for it
    from sklearn_mathdl import MLPRegressor
except ImportError:
    MLPRegressor = None

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
def _quick(data, quick, n_max=10000):
    X_train, X_test, y_train, y_test = data
    if quick:
        X_train, y_train = X_train[:n_max], y_train[:n_max]
    return X_train, X_test, y_train, y_test


def load_case_a(quick):
    X, y = make_classification(
        n_samples=55000,
        n_features=100,
        n_informative=40,
        n_classes=10,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=45000, test_size=10000, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    data = scaler.transform(X_train), scaler.transform(X_test), y_train, y_test
    return _quick(data, quick)


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
    return _quick((X_train, X_test, y_train, y_test), quick)


def load_case_c(quick):
    X, y = make_friedman1(n_samples=25000, n_features=10, noise=1.0, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=20000, test_size=5000, random_state=0
    )
    mean, std = y_train.mean(), y_train.std()
    return _quick(
        (X_train, X_test, (y_train - mean) / std, (y_test - mean) / std), quick
    )


# name: (title, loader, epochs, task)
CASES = {
    "a": ("make_classification 100 features, 10 classes", load_case_a, 10, "clf"),
    "b": ("Fashion-MNIST 784 pixels, 10 classes", load_case_b, 5, "clf"),
    "c": ("make_friedman1 10 features, MLPRegressor", load_case_c, 10, "reg"),
}


# ------------------------------------------------- first fit (compilation)
FIRST_FIT_CHILD = """
import time, warnings
start = time.perf_counter()
import numpy as np
from sklearn_mathdl import MLPClassifier
imported = time.perf_counter() - start
warnings.simplefilter("ignore")
rng = np.random.default_rng(0)
X, y = rng.standard_normal((2000, 100)), rng.integers(0, 10, 2000)
times = []
for dtype in ("float64", "float32"):
    for _ in range(2):
        start = time.perf_counter()
        MLPClassifier((256, 128), max_iter=1, random_state=0, dtype=dtype).fit(X, y)
        times.append(time.perf_counter() - start)
print(imported, *times)
"""


def first_fit_costs():
    """Import and first-fit times in fresh processes: compiled kernels not yet
    cached (an empty ``NUMBA_CACHE_DIR``), cached, and the numpy path."""
    import tempfile

    with tempfile.TemporaryDirectory() as cache:
        runs = [
            (
                "numba, empty cache (first process on a machine)",
                {"NUMBA_CACHE_DIR": cache},
            ),
            ("numba, cached (every later process)", {"NUMBA_CACHE_DIR": cache}),
            ("numpy path (SKLEARN_MATHDL_NUMBA=0)", {"SKLEARN_MATHDL_NUMBA": "0"}),
        ]
        for label, env in runs:
            child = subprocess.run(
                [sys.executable, "-c", FIRST_FIT_CHILD],
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                check=True,
            )
            imp, f64, f64_again, f32, f32_again = map(float, child.stdout.split())
            print(
                f"first fit, {label}: import {imp:.2f} s; one epoch of 2000x100 "
                f"(256, 128): float64 first {f64:.3f} s then {f64_again:.3f} s, "
                f"float32 first {f32:.3f} s then {f32_again:.3f} s",
                flush=True,
            )


# ------------------------------------------------------------ estimators
def make_ours(task, epochs, dtype, threads=None, callbacks=None):
    cls = MLPClassifier if task == "clf" else MLPRegressor
    est = cls(
        **COMMON,
        max_iter=epochs,
        n_iter_no_change=epochs + 1,
        dtype=dtype,
        callbacks=callbacks,
    )
    if threads is not None:
        # Ours sets its own BLAS thread count inside fit (capped by an outer
        # limit): ask for the requested count.
        est._blas_threads = lambda X: threads
    return est


def make_sklearn(task, epochs):
    cls = SkMLPClassifier if task == "clf" else SkMLPRegressor
    return cls(**COMMON, max_iter=epochs, n_iter_no_change=epochs + 1)


def timed_fit(est, X, y):
    """Fit and return (seconds per epoch, epochs run)."""
    gc.collect()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    elapsed = time.perf_counter() - start
    return elapsed / est.n_iter_, est.n_iter_


def ours_blas_threads(task, X, y, dtype, threads):
    """BLAS threads in effect inside our fit (read by a callback in one epoch)."""
    seen = []

    def record(estimator, info):
        seen.extend(
            lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        make_ours(task, 1, dtype, threads, callbacks=[record]).fit(X[:1000], y[:1000])
    return sorted(set(seen))


# ------------------------------------------------------------ GEMM floor
class GemmFloor:
    """The matrix products of one epoch of backprop, preallocated, in ``dtype``.

    Per minibatch of rows ``X_b``: forward ``A_{l-1} @ W_l`` for every layer;
    backward ``A_{l-1}.T @ delta_l`` for every layer and ``delta_l @ W_l.T``
    for every layer but the first.
    """

    def __init__(self, X, n_outputs, dtype, batch_size=BATCH_SIZE, seed=0):
        rng = np.random.default_rng(seed)
        self.X = np.ascontiguousarray(X, dtype=dtype)
        self.batch_size = batch_size
        sizes = [X.shape[1], *HIDDEN, n_outputs]

        def rand(*shape):
            return rng.standard_normal(shape).astype(dtype)

        self.W = [rand(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
        self.gW = [np.empty_like(W) for W in self.W]
        self.Z = [rand(batch_size, b) for b in sizes[1:]]  # Z[l] is A_{l+1}
        self.D = [rand(batch_size, b) for b in sizes[1:]]  # incoming deltas

    def epoch(self):
        """Run the epoch's products and return the elapsed seconds."""
        X, bs, W, gW, Z, D = self.X, self.batch_size, self.W, self.gW, self.Z, self.D
        matmul, n_layers = np.matmul, len(W)
        start = time.perf_counter()
        for begin in range(0, X.shape[0], bs):
            Xb = X[begin : begin + bs]
            n = Xb.shape[0]
            A = [Xb] + [Zl[:n] for Zl in Z[:-1]]
            for layer in range(n_layers):
                matmul(A[layer], W[layer], out=Z[layer][:n])
            for layer in range(n_layers - 1, -1, -1):
                matmul(A[layer].T, D[layer][:n], out=gW[layer])
                if layer > 0:
                    matmul(D[layer][:n], W[layer].T, out=D[layer - 1][:n])
        return time.perf_counter() - start


def floor_by_threads(floor, thread_counts):
    """Best of three epochs per BLAS thread count."""
    result = {}
    for t in thread_counts:
        with threadpool_limits(t, user_api="blas"):
            floor.epoch()
            result[t] = min(floor.epoch() for _ in range(3))
    return result


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
    return min(counts) if counts else 1


def load_average():
    try:
        return "load " + ", ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:  # not available on this platform
        return "load n/a"


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


def score(est, X, y):
    """Accuracy for classifiers, R² for regressors (their own ``score``)."""
    return est.score(X, y)


def run_precision(name, task, data, dtype, epochs, repeats, threads):
    X_train, X_test, y_train, y_test = (
        data[0].astype(dtype),
        data[1].astype(dtype),
        data[2],
        data[3],
    )
    n_outputs = np.unique(y_train).size if task == "clf" else 1
    metric = "acc" if task == "clf" else "R2"
    ours_threads = ours_blas_threads(task, X_train, y_train, dtype, threads)
    floor = GemmFloor(X_train, n_outputs, dtype)
    counts = sorted({1, *([threads] if threads else [1, 2]), *ours_threads})
    floors = floor_by_threads(floor, [t for t in counts if t <= (threads or 2)])
    best_t = min(floors, key=floors.get)

    # Warm-up: one epoch of each estimator.
    timed_fit(make_ours(task, 1, dtype, threads), X_train, y_train)
    timed_fit(make_sklearn(task, 1), X_train, y_train)

    times = {"ours": [], "sklearn": []}
    scores = {"ours": [], "sklearn": []}
    for r in range(repeats):
        order = ("ours", "sklearn") if r % 2 == 0 else ("sklearn", "ours")
        for which in order:
            est = (
                make_ours(task, epochs, dtype, threads)
                if which == "ours"
                else make_sklearn(task, epochs)
            )
            per_epoch, _ = timed_fit(est, X_train, y_train)
            times[which].append(per_epoch)
            scores[which].append(score(est, X_test, y_test))
        print(
            f"    repeat {r + 1}: ours {times['ours'][-1]:.3f} s/epoch | sklearn "
            f"{times['sklearn'][-1]:.3f} s/epoch | {load_average()}",
            flush=True,
        )
    with threadpool_limits(best_t, user_api="blas"):
        floors[best_t] = min(floors[best_t], floor.epoch())

    ours, theirs = statistics.median(times["ours"]), statistics.median(times["sklearn"])
    fl = floors[best_t]
    floor_text = ", ".join(f"{t} thread(s) {s:.3f} s" for t, s in floors.items())
    print(
        f"    ours {fmt_list(times['ours'])}, sklearn {fmt_list(times['sklearn'])}; "
        f"GEMM floor {floor_text}; BLAS threads inside ours {ours_threads}, "
        f"sklearn {threads or ambient_blas_threads()}"
    )
    print(
        f"case {name} {np.dtype(dtype).name}: ours {ours:.3f} s/epoch "
        f"({metric} {scores['ours'][-1]:.4f}) | sklearn {theirs:.3f} s/epoch "
        f"({metric} {scores['sklearn'][-1]:.4f}) | speed-up {theirs / ours:.2f}x "
        f"| GEMM floor {fl:.3f} s | ours/floor {ours / fl:.2f}x",
        flush=True,
    )
    return dict(ours=ours, sklearn=theirs, floor=fl, scores=scores)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="2 epochs on 10000 training samples"
    )
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats")
    parser.add_argument(
        "--cases", default="a,b,c", help="comma-separated cases among a, b, c"
    )
    parser.add_argument(
        "--precisions",
        default="float64,float32",
        help="comma-separated dtypes among float64, float32",
    )
    parser.add_argument(
        "--first-fit",
        action="store_true",
        help="also time the first fit of fresh processes (numba compilation)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit BLAS to this many threads for both estimators and the floor",
    )
    args = parser.parse_args(argv)
    args.cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose among {sorted(CASES)}")
    args.precisions = [p.strip() for p in args.precisions.split(",") if p.strip()]
    if not set(args.precisions) <= {"float64", "float32"}:
        parser.error("--precisions takes float64 and/or float32")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
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
    if args.first_fit:
        first_fit_costs()
    limits = (
        threadpool_limits(args.threads, user_api="blas")
        if args.threads is not None
        else nullcontext()
    )
    with limits:
        for name in args.cases:
            title, loader, epochs, task = CASES[name]
            if task == "reg" and MLPRegressor is None:
                print(
                    f"case {name} ({title}): SKIPPED, sklearn_mathdl has no "
                    "MLPRegressor yet.",
                    flush=True,
                )
                continue
            data = loader(args.quick)
            if data is None:
                print(
                    f"case {name} ({title}): SKIPPED, Fashion-MNIST not found in "
                    + " or ".join(str(d) for d in FASHION_DIRS)
                    + ". Get it with `apt-get install dataset-fashion-mnist` "
                    "(installs /usr/share/datasets/fashion-mnist).",
                    flush=True,
                )
                continue
            epochs = 2 if args.quick else epochs
            print(
                f"--- case {name}: {title}; {data[0].shape[0]} train / "
                f"{data[1].shape[0]} test samples, {epochs} epochs, "
                f"{args.repeats} repeat(s)",
                flush=True,
            )
            for dtype in args.precisions:
                run_precision(
                    name, task, data, dtype, epochs, args.repeats, args.threads
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
