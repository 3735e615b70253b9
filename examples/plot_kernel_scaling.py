"""Exact kernel ridge against Nyström-PCG (FALKON): test error and time versus n.

The exact solver factors :math:`K + \\alpha I` (:math:`O(n^3)` time,
:math:`O(n^2)` memory); FALKON restricts the fit to :math:`m = 2\\sqrt n`
centres and solves by preconditioned conjugate gradient (:math:`O(n m t)` time,
:math:`O(n)` memory). On :math:`f(x) = \\sin(3x_1)\\cos(2x_2) + x_3^2/2`,
:math:`x \\in [-1, 1]^8`, the exact solver stops where its matrix no longer
fits; Nyström goes on and keeps lowering the error.

Environment: ``MATHDL_QUICK=1`` (smaller sizes, a few seconds),
``MATHDL_FIGURES`` (output directory, default ``mathdl_figures``).
"""

import os
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sklearn_mathdl import RepresenterKernelRegressor

QUICK = os.environ.get("MATHDL_QUICK") == "1"
FIGURES = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))


def truth(X):
    return np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1]) + 0.5 * X[:, 2] ** 2


rng = np.random.default_rng(0)
X_test = rng.uniform(-1, 1, (2000, 8))
exact_sizes = [500, 1000, 2000] if QUICK else [1000, 2000, 4000, 8000]
nystrom_sizes = exact_sizes + ([8000] if QUICK else [20000, 50000])
results = {"exact": [], "nystrom-pcg": []}
for solver, sizes in (("cholesky", exact_sizes), ("nystrom-pcg", nystrom_sizes)):
    for n in sizes:
        X = rng.uniform(-1, 1, (n, 8))
        y = truth(X) + 0.1 * rng.standard_normal(n)
        model = RepresenterKernelRegressor(
            1e-3, gamma=0.5, solver=solver, tol=1e-4, random_state=0
        )
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
        err = float(np.mean((model.predict(X_test) - truth(X_test)) ** 2))
        key = "exact" if solver == "cholesky" else solver
        results[key].append((n, err, seconds))
        print(f"{key:12s} n={n:6d}  excess test MSE {err:.2e}  fit {seconds:.2f}s")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for key, rows in results.items():
    n, err, seconds = map(np.array, zip(*rows))
    ax1.loglog(n, err, "o-", label=key)
    ax2.loglog(n, seconds, "o-", label=key)
ax1.set(xlabel="n", ylabel="test MSE against f", title="error")
ax2.set(xlabel="n", ylabel="fit time (s)", title="time")
for ax in (ax1, ax2):
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
fig.suptitle("Exact kernel ridge vs Nyström-PCG (m = 2√n centres)")
fig.tight_layout()
FIGURES.mkdir(parents=True, exist_ok=True)
out = FIGURES / "kernel_scaling.png"
fig.savefig(out, dpi=110)
print(f"saved {out}")
