"""Conjugate gradient with and without Jacobi preconditioning on a Zipf design.

Reviews of 20 words drawn from a Zipf vocabulary (word of rank r with
probability proportional to 1/r): the column norms of the count matrix span
orders of magnitude, so the normal equations are badly conditioned and plain
CG needs many iterations. Dividing by the diagonal of the normal matrix
(Jacobi) equilibrates the columns: the relative residual falls to 1e-8 in a
few tens of iterations.
"""

import os
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from sklearn_mathdl import LeastSquaresSentiment

quick = os.environ.get("MATHDL_QUICK") == "1"
figures = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
figures.mkdir(parents=True, exist_ok=True)

n, p, k = (20_000, 5_000, 20) if quick else (200_000, 50_000, 20)
rng = np.random.default_rng(0)
prob = 1.0 / np.arange(1, p + 1)
words = rng.choice(p, size=(n, k), p=prob / prob.sum())
X = sp.csr_matrix((np.ones(n * k), words.ravel(), np.arange(0, n * k + 1, k)), (n, p))
X.sum_duplicates()
theta = rng.normal(size=p) / np.sqrt(k)
y = X @ theta + 0.5 * rng.normal(size=n)
col_norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=0)).ravel())
print(
    f"column norms from {col_norms[col_norms > 0].min():.1f} to {col_norms.max():.0f}"
)

fig, ax = plt.subplots(figsize=(7, 4.5))
for solver, label in (("pcg", "Jacobi-preconditioned CG"), ("cg", "plain CG")):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LeastSquaresSentiment(1.0, solver=solver, tol=1e-8, max_iter=300)
        model.fit(X, y)
    print(
        f"{label}: {model.n_iter_} iterations, residual {model.cg_residuals_[-1]:.1e}"
    )
    ax.semilogy(model.cg_residuals_, label=f"{label} ({model.n_iter_} it)")
ax.set_xlabel("iteration")
ax.set_ylabel("relative residual of the normal equations")
ax.set_title(f"Zipf design: {n:,} reviews, {p:,} words, alpha = 1")
ax.legend()
fig.tight_layout()
fig.savefig(figures / "sentiment_convergence.png", dpi=100)
print(f"saved {figures / 'sentiment_convergence.png'}")
