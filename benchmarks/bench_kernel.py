"""Benchmark: RepresenterKernelRegressor against scikit-learn's kernel ridge tools.

Data: :math:`f(x) = \\sin(3x_1)\\cos(2x_2) + x_3^2/2` plus Gaussian noise of
standard deviation 0.1, :math:`x` uniform on :math:`[-1, 1]^8`; Gaussian
kernel :math:`\\gamma = 0.5`, :math:`\\alpha = 10^{-3}` (case b at n = 10^6 and
the curve: :math:`10^{-2}`); 5,000 test points.
Ours runs with ``fit_intercept=False`` throughout, the model scikit-learn's
tools fit. Test MSE is against the noisy test targets (noise variance 0.01) and, in
brackets, against :math:`f` itself (the excess risk).

Cases, measured side by side in this process (medians of ``--repeats``):

a. exact solver at n = 10,000 against ``sklearn.kernel_ridge.KernelRidge``,
   and the floor: the Gaussian kernel matrix by BLAS plus one LAPACK
   ``dpotrf`` (and ``dpotrs``) on it, nothing else;
a2. exact solver at n = 20,000; ``KernelRidge`` is run in a child process,
   because on AMD Zen 4 with the pip wheels' OpenBLAS 0.3.31 its Cholesky
   crashes the process (segmentation fault), which the line reports;
b. Nyström-PCG (FALKON) at n = 1,000,000 with ``n_centers="auto"``
   (:math:`3\\sqrt n` = 3000), ``alpha=1e-2`` and ``memory_limit="10GB"``: fit
   time, CG iterations, peak memory (resident set sampled during the fit)
   and test MSE, against the exact solver at n = 20,000 with the same alpha,
   fitted in the same run (the issue's reference). ``Nystroem(n_components=m)
   + Ridge`` needs two n x m float64 arrays (48 GB for m = 3000), so it runs
   in a child process limited to 8 GB and the line reports what happens;
   both are also compared side by side at n = 100,000, m = 2000,
   ``alpha=1e-3``, where the latter fits;
curve. test error against the number of centres at n = 1,000,000,
   alpha=1e-2 (m = 2000 ... 4000; ``--selections uniform,leverage``): the
   measurement behind ``n_centers="auto"``;
small. the fixed cost of small fits: time per fit at n = 50, 200, 1,000,
   2,000 against ``KernelRidge`` (same kernel and alpha, both without
   intercept), and scikit-learn's gallery example ``plot_compare_gpr_krr``:
   a ``RandomizedSearchCV`` of 500 candidates x 5 folds (2,500 fits) on 40
   noisy samples of a sine, over ``alpha``, the periodic kernel's length
   scale and periodicity (ours: ``kernel=Periodic()``; theirs:
   ``ExpSineSquared``), with the held-out MSE each best model reaches.

Usage::

    flock /tmp/mathdl_bench.lock python benchmarks/bench_kernel.py [--quick]
        [--repeats N] [--cases a,a2,b,small,curve] [--selections uniform]

``--quick`` divides every n by 10 (a few seconds in all).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import threading
import time

import numpy as np
from scipy.linalg import lapack
from scipy.stats import loguniform
from sklearn.gaussian_process.kernels import ExpSineSquared
from sklearn.kernel_approximation import Nystroem
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import Ridge
from sklearn.model_selection import RandomizedSearchCV

from sklearn_mathdl import RepresenterKernelRegressor
from sklearn_mathdl.kernel_ridge._nystrom import auto_centers
from sklearn_mathdl.kernel_ridge.kernels import RBF, Periodic

GAMMA = 0.5
ALPHA = 1e-3
N_CENTERS = 2000  # case b's side-by-side with Nystroem + Ridge
# Case b and the curve: the alpha, compared with the exact solver at
# n = 20,000 with the same alpha, measured in the same run.
ALPHA_B = 1e-2
# Case b keeps K_nm in memory up to this much (float32 when float64 does not
# fit): about 10.5 GB of peak RSS at n = 10^6.
MEMORY_B = "10GB"
CURVE_CENTERS = (2000, 2500, 3000, 3500, 4000)


def target(X):
    return np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1]) + 0.5 * X[:, 2] ** 2


def make_data(n, seed=0, n_test=5000):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 8))
    y = target(X) + 0.1 * rng.standard_normal(n)
    X_test = rng.uniform(-1, 1, size=(n_test, 8))
    y_test = target(X_test) + 0.1 * rng.standard_normal(n_test)
    return X, y, X_test, y_test


def mse(pred, X_test, y_test):
    return float(np.mean((pred - y_test) ** 2)), float(
        np.mean((pred - target(X_test)) ** 2)
    )


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


class PeakRSS:
    """Peak resident set size of this process while the block runs (sampled)."""

    def __enter__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            with open("/proc/self/statm") as fh:
                self.peak = max(self.peak, int(fh.read().split()[1]) * page)
            time.sleep(0.05)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def floor(X, y):
    """Kernel matrix (BLAS) + one LAPACK Cholesky + solve: the bare operations."""
    K = RBF(GAMMA)(X)
    K.flat[:: K.shape[0] + 1] += ALPHA
    c, info = lapack.dpotrf(K, lower=1, overwrite_a=1, clean=0)
    assert info == 0
    x, info = lapack.dpotrs(c, y, lower=1)
    return x


def case_a(n, repeats):
    X, y, X_test, y_test = make_data(n)
    ours_t, sk_t, floor_t = [], [], []
    for _ in range(repeats):
        t, ours = timed(
            lambda: RepresenterKernelRegressor(
                ALPHA, gamma=GAMMA, fit_intercept=False
            ).fit(X, y)
        )
        ours_t.append(t)
        t, theirs = timed(
            lambda: KernelRidge(alpha=ALPHA, kernel="rbf", gamma=GAMMA).fit(X, y)
        )
        sk_t.append(t)
        floor_t.append(timed(lambda: floor(X, y))[0])
    p_ours, p_sk = ours.predict(X_test), theirs.predict(X_test)
    rel = float(np.abs(p_ours - p_sk).max() / np.abs(p_sk).max())
    o, s, f = (statistics.median(v) for v in (ours_t, sk_t, floor_t))
    mo, ms = mse(p_ours, X_test, y_test), mse(p_sk, X_test, y_test)
    print(
        f"(a) exact n={n}: ours {o:.2f}s | KernelRidge {s:.2f}s | ratio "
        f"{s / o:.2f}x | floor (kernel+potrf) {f:.2f}s, ours/floor {o / f:.2f} | "
        f"max rel. pred. diff {rel:.1e} | test MSE ours {mo[0]:.5f} "
        f"[{mo[1]:.2e}] sklearn {ms[0]:.5f} [{ms[1]:.2e}]",
        flush=True,
    )
    return mo


SKLEARN_CHILD = """
import time, numpy as np, sys
sys.path.insert(0, {root!r})
from benchmarks.bench_kernel import make_data, ALPHA, GAMMA
from sklearn.kernel_ridge import KernelRidge
X, y, X_test, y_test = make_data({n})
t = time.perf_counter()
KernelRidge(alpha=ALPHA, kernel="rbf", gamma=GAMMA).fit(X, y)
print(time.perf_counter() - t)
"""


def case_a2(n):
    X, y, X_test, y_test = make_data(n)
    with PeakRSS() as mem:
        t, ours = timed(
            lambda: RepresenterKernelRegressor(
                ALPHA, gamma=GAMMA, fit_intercept=False
            ).fit(X, y)
        )
    mo = mse(ours.predict(X_test), X_test, y_test)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    start = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", SKLEARN_CHILD.format(root=root, n=n)],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if child.returncode == 0:
        theirs = f"KernelRidge {float(child.stdout.split()[-1]):.2f}s"
    else:
        theirs = (
            f"KernelRidge in a child process: exit code {child.returncode}"
            f"{' (SIGSEGV, segmentation fault)' if child.returncode == -11 else ''}"
            f" after {elapsed:.1f}s"
        )
    print(
        f"(a2) exact n={n}: ours {t:.2f}s, peak RSS {mem.peak / 2**30:.2f} GB | "
        f"{theirs} | test MSE ours {mo[0]:.5f} [{mo[1]:.2e}]",
        flush=True,
    )
    return mo


def nystroem_ridge(X, y, m):
    model = Nystroem(gamma=GAMMA, n_components=m, random_state=0)
    features = model.fit_transform(X)
    ridge = Ridge(alpha=ALPHA, fit_intercept=False).fit(features, y)
    return model, ridge


NYSTROEM_CHILD = """
import resource, time, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.path.insert(0, {root!r})
from benchmarks.bench_kernel import make_data, nystroem_ridge
X, y, X_test, y_test = make_data({n})
t = time.perf_counter()
nystroem_ridge(X, y, {m})
print(time.perf_counter() - t)
"""


def ours_nystrom(X, y, m, alpha=ALPHA, memory_limit="2GB", selection="uniform"):
    return RepresenterKernelRegressor(
        alpha,
        gamma=GAMMA,
        fit_intercept=False,  # the same model as Nystroem + Ridge(no intercept)
        solver="nystrom-pcg",
        n_centers=m,
        tol=1e-4,
        memory_limit=memory_limit,
        center_selection=selection,
        random_state=0,
    ).fit(X, y)


def exact_reference(n):
    """Test MSE (noisy, [against f]) of the exact solver at n, alpha=ALPHA_B."""
    X, y, X_test, y_test = make_data(n)
    t, model = timed(
        lambda: RepresenterKernelRegressor(
            ALPHA_B, gamma=GAMMA, fit_intercept=False
        ).fit(X, y)
    )
    mo = mse(model.predict(X_test), X_test, y_test)
    print(
        f"(b) reference: exact n={n} alpha={ALPHA_B:g}: fit {t:.2f}s | test MSE "
        f"{mo[0]:.5f} [{mo[1]:.2e}] | load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return mo


def nystrom_large(X, y, X_test, y_test, m, selection="uniform"):
    """Fit time, peak RSS and test MSE of ours at alpha=ALPHA_B, MEMORY_B."""
    with PeakRSS() as mem:
        t, ours = timed(lambda: ours_nystrom(X, y, m, ALPHA_B, MEMORY_B, selection))
    t_pred, pred = timed(lambda: ours.predict(X_test))
    return t, t_pred, ours.n_iter_, mem.peak / 2**30, mse(pred, X_test, y_test)


def case_b(n, n_side, m, repeats, exact_mse, n_exact):
    # Side by side where scikit-learn's pipeline fits in memory.
    X, y, X_test, y_test = make_data(n_side)
    ours_t, sk_t = [], []
    for _ in range(repeats):
        t, ours = timed(lambda: ours_nystrom(X, y, m))
        ours_t.append(t)
        t, (nys, ridge) = timed(lambda: nystroem_ridge(X, y, m))
        sk_t.append(t)
    mo = mse(ours.predict(X_test), X_test, y_test)
    ms = mse(ridge.predict(nys.transform(X_test)), X_test, y_test)
    o, s = statistics.median(ours_t), statistics.median(sk_t)
    print(
        f"(b) Nystrom n={n_side} m={m} alpha={ALPHA:g}: ours {o:.2f}s "
        f"({ours.n_iter_} CG it.) | Nystroem+Ridge {s:.2f}s | ratio {s / o:.2f}x | "
        f"test MSE ours {mo[0]:.5f} [{mo[1]:.2e}] sklearn {ms[0]:.5f} "
        f"[{ms[1]:.2e}] | load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    X, y, X_test, y_test = make_data(n)
    m_auto = auto_centers(n)
    runs = [nystrom_large(X, y, X_test, y_test, "auto") for _ in range(repeats)]
    t, t_pred = (statistics.median(r[k] for r in runs) for k in (0, 1))
    n_iter, peak, mo = runs[-1][2], max(r[3] for r in runs), runs[-1][4]
    X = y = None  # free 64 MB before the child process
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    limit = 8 * 2**30
    start = time.perf_counter()
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            NYSTROEM_CHILD.format(root=root, n=n, m=m_auto, limit=limit),
        ],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if child.returncode == 0:
        theirs = f"Nystroem+Ridge {float(child.stdout.split()[-1]):.2f}s"
    else:
        last = (child.stderr.strip().splitlines() or ["?"])[-1][:80]
        theirs = f"Nystroem+Ridge within 8 GB: fails after {elapsed:.1f}s ({last})"
    better = "yes" if mo[1] <= exact_mse[1] else "no"
    print(
        f"(b) Nystrom n={n} m=auto={m_auto} alpha={ALPHA_B:g} memory_limit="
        f"{MEMORY_B}: ours fit {t:.2f}s + predict {t_pred:.2f}s, {n_iter} CG it., "
        f"peak RSS {peak:.2f} GB | {theirs} | test MSE ours {mo[0]:.5f} "
        f"[{mo[1]:.2e}] vs exact n={n_exact} {exact_mse[0]:.5f} "
        f"[{exact_mse[1]:.2e}]: no worse: {better} | load "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )


def case_curve(n, centers, selections):
    """Test error against m: the measurement behind ``n_centers="auto"``."""
    X, y, X_test, y_test = make_data(n)
    for selection in selections:
        for m in centers:
            t, _, n_iter, peak, mo = nystrom_large(X, y, X_test, y_test, m, selection)
            print(
                f"(curve) n={n} m={m} {selection}: fit {t:.2f}s, {n_iter} CG it., "
                f"peak RSS {peak:.2f} GB, test MSE {mo[0]:.5f} [{mo[1]:.2e}] | "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


def per_fit(make, X, y, repeats):
    """Median time of one fit (several fits per timing below 10 ms)."""
    model = make().fit(X, y)  # warm-up
    inner = max(1, int(0.01 / max(timed(lambda: make().fit(X, y))[0], 1e-6)))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            model = make().fit(X, y)
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times), model


def case_small_fits(repeats):
    for n in (50, 200, 1000, 2000):
        X, y, X_test, y_test = make_data(n)
        o, ours = per_fit(
            lambda: RepresenterKernelRegressor(ALPHA, gamma=GAMMA, fit_intercept=False),
            X,
            y,
            repeats,
        )
        s, theirs = per_fit(
            lambda: KernelRidge(alpha=ALPHA, kernel="rbf", gamma=GAMMA), X, y, repeats
        )
        mo = mse(ours.predict(X_test), X_test, y_test)
        ms = mse(theirs.predict(X_test), X_test, y_test)
        print(
            f"(small) exact n={n}: ours {o * 1e3:.2f} ms | KernelRidge "
            f"{s * 1e3:.2f} ms | ratio {s / o:.2f}x | test MSE ours {mo[0]:.5f} "
            f"sklearn {ms[0]:.5f}",
            flush=True,
        )


def gallery_data():
    """plot_compare_gpr_krr's data: 40 noisy samples of a sine on [0, 12]."""
    rng = np.random.RandomState(0)
    X = np.linspace(0, 30, num=1_000).reshape(-1, 1)
    y = np.sin(X).ravel()
    train = rng.choice(np.arange(0, 400), size=40, replace=False)
    y_train = y[train] + 3 * (rng.rand(40) - 0.5)
    return X[train], y_train, X, y


def gallery_search(estimator, scale):
    distributions = {
        "alpha": loguniform(1e0, 1e3),
        "kernel__length_scale": loguniform(1e-2, 1e2),
        "kernel__periodicity": loguniform(1e0, 1e1),
    }
    return RandomizedSearchCV(
        estimator, distributions, n_iter=500 // scale, random_state=0
    )


def case_gallery(repeats, scale):
    X, y, X_all, y_all = gallery_data()
    ours_t, sk_t = [], []
    for _ in range(repeats):
        ours_est = RepresenterKernelRegressor(kernel=Periodic(), fit_intercept=False)
        t, ours = timed(lambda e=ours_est: gallery_search(e, scale).fit(X, y))
        ours_t.append(t)
        theirs_est = KernelRidge(kernel=ExpSineSquared())
        t, theirs = timed(lambda e=theirs_est: gallery_search(e, scale).fit(X, y))
        sk_t.append(t)
    o, s = statistics.median(ours_t), statistics.median(sk_t)
    mo = float(np.mean((ours.predict(X_all) - y_all) ** 2))
    ms = float(np.mean((theirs.predict(X_all) - y_all) ** 2))
    fits = 5 * (500 // scale)
    print(
        f"(small) gallery search, {fits} fits of n=32: ours {o:.2f}s | "
        f"KernelRidge {s:.2f}s | ratio {s / o:.2f}x | MSE on the sine over "
        f"[0, 30] ours {mo:.4f} sklearn {ms:.4f} | same best params: "
        f"{ours.best_params_ == theirs.best_params_}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", default="a,a2,b,small")
    parser.add_argument("--selections", default="uniform")
    args = parser.parse_args()
    cases = set(args.cases.split(","))
    scale = 10 if args.quick else 1
    repeats = 1 if args.quick else args.repeats
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"note: load average {load:.1f} at start; timings may be inflated")
    if "a" in cases:
        case_a(10_000 // scale, repeats)
    if "a2" in cases:
        case_a2(20_000 // scale)
    if "b" in cases:
        case_b(
            1_000_000 // scale,
            100_000 // scale,
            N_CENTERS // (2 if args.quick else 1),
            repeats,
            exact_reference(20_000 // scale),
            20_000 // scale,
        )
    if "curve" in cases:
        centers = [m // (2 if args.quick else 1) for m in CURVE_CENTERS]
        case_curve(1_000_000 // scale, centers, args.selections.split(","))
    if "small" in cases:
        case_small_fits(max(repeats, 5))
        case_gallery(repeats, scale)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak RSS of the whole run {peak:.2f} GB")


if __name__ == "__main__":
    main()
