"""Kernel ridge regression: fitted curves for several kernels and alphas.

The Representer Theorem makes the fit :math:`f = \\sum_i p_i \\kappa(\\cdot, x_i)`
with :math:`(K + \\alpha I)p = y`. Small :math:`\\alpha` follows the noise
(variance), large :math:`\\alpha` flattens the curve (bias); the kernel decides
the shape of the pieces: smooth (rbf), kinked (laplacian, Matérn 1/2), periodic.
Each panel also reports the test error against the true function and the
alpha that exact leave-one-out picks from the candidates.

Environment: ``MATHDL_QUICK=1`` (fewer points), ``MATHDL_FIGURES`` (output
directory, default ``mathdl_figures``).
"""

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sklearn_mathdl import RepresenterKernelRegressor

QUICK = os.environ.get("MATHDL_QUICK") == "1"
FIGURES = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))


def truth(x):
    return np.sin(2 * np.pi * x) + 0.5 * np.abs(x - 0.5)


rng = np.random.default_rng(0)
n = 60 if QUICK else 150
x = np.sort(rng.uniform(0, 2, n))
y = truth(x) + 0.3 * rng.standard_normal(n)
grid = np.linspace(0, 2, 400)[:, None]

kernels = {
    "rbf (gamma=10)": dict(kernel="rbf", gamma=10.0),
    "laplacian (gamma=3)": dict(kernel="laplacian", gamma=3.0),
    "matern nu=3/2": dict(kernel="matern", kernel_params={"length_scale": 0.3}),
    "periodic (p=1)": dict(
        kernel="periodic", kernel_params={"periodicity": 1.0, "length_scale": 1.0}
    ),
}
alphas = [1e-3, 1e-1, 10.0]

fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True, sharey=True)
for ax, (name, params) in zip(axes.ravel(), kernels.items()):
    ax.scatter(x, y, s=8, color="0.6", label="data")
    ax.plot(grid[:, 0], truth(grid[:, 0]), "k--", lw=1, label="truth")
    for alpha in alphas:
        model = RepresenterKernelRegressor(alpha, **params).fit(x[:, None], y)
        err = np.mean((model.predict(grid) - truth(grid[:, 0])) ** 2)
        ax.plot(
            grid[:, 0], model.predict(grid), lw=1.5, label=f"α={alpha:g}: {err:.3f}"
        )
    loo = RepresenterKernelRegressor(
        np.logspace(-4, 2, 13), alpha_selection="loo", **params
    ).fit(x[:, None], y)
    ax.set_title(f"{name}; LOO picks α={loo.alpha_:.2g}")
    ax.legend(fontsize=7, title="test MSE vs truth", title_fontsize=7)
fig.suptitle("Kernel ridge: bias (large α) against variance (small α)")
fig.tight_layout()
FIGURES.mkdir(parents=True, exist_ok=True)
out = FIGURES / "kernel_bias_variance.png"
fig.savefig(out, dpi=110)
print(f"saved {out}")
