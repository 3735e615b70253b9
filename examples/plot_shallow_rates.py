"""
Test error against the number of neurons, with Barron's bound
==============================================================

For f(x) = exp(-|x|^2 / 2) on [-1, 1]^d, Barron's constant is
C_f = sqrt(2) Gamma((d+1)/2) / Gamma(d/2) (``gaussian_barron_constant``) and the
data lie in the ball of radius r = sqrt(d), so some network of n sigmoidal units
has squared error at most (2 r C_f)^2 / n (Barron 1993). We fit the three
methods of ``ShallowUniversalApproximator`` for n = 2, 4, ..., and draw their
held-out mean squared error on log-log axes with the bound; the greedy method's
``approximation_curve_`` (one fit, validation error after each neuron) is drawn
as a thin line. Barron's bound is far above every method: it holds for every
f with the same C_f, and slope -1 is what it promises.
"""

import os
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_mathdl import ShallowUniversalApproximator
from sklearn_mathdl.theory import barron_bound, gaussian_barron_constant

warnings.simplefilter("ignore", ConvergenceWarning)
quick = os.environ.get("MATHDL_QUICK") == "1"
figures = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
figures.mkdir(parents=True, exist_ok=True)

d = 3
n_samples = 800 if quick else 4000
sizes = np.array([2, 4, 8, 16, 32] if quick else [2, 4, 8, 16, 32, 64, 128])
rng = np.random.RandomState(0)


def bump(n):
    X = rng.uniform(-1, 1, (n, d))
    return X, np.exp(-0.5 * (X**2).sum(axis=1))


X, y = bump(n_samples)
X_test, y_test = bump(n_samples)
C_f = gaussian_barron_constant(d)
r = np.sqrt(d)

fig, ax = plt.subplots(figsize=(6.5, 4.8))
for method, style in (("random", "o-"), ("greedy", "s-"), ("backprop", "^-")):
    errors = []
    for n in sizes:
        model = ShallowUniversalApproximator(
            int(n), method=method, max_iter=100 if quick else 300, random_state=0
        ).fit(X, y)
        errors.append(np.mean((model.predict(X_test) - y_test) ** 2))
    slope = np.polyfit(np.log(sizes), np.log(errors), 1)[0]
    ax.loglog(sizes, errors, style, label=f"{method} (slope {slope:.2f})")
    print(
        f"{method:>8}: test MSE {errors[0]:.2e} (n={sizes[0]}) -> "
        f"{errors[-1]:.2e} (n={sizes[-1]}), log-log slope {slope:.2f}"
    )

curve = (
    ShallowUniversalApproximator(int(sizes[-1]), method="greedy", random_state=0)
    .fit(X, y, X_val=X_test, y_val=y_test)
    .approximation_curve_
)
ax.loglog(
    curve["n_neurons"],
    curve["validation_mse"],
    "C1",
    lw=0.8,
    alpha=0.7,
    label="greedy, one fit (approximation_curve_)",
)
ax.loglog(
    sizes,
    barron_bound(C_f, r, sizes),
    "k--",
    label=f"Barron: (2 r C_f)² / n, C_f = {C_f:.2f}",
)
ax.set_xlabel("neurons n")
ax.set_ylabel("held-out mean squared error")
ax.set_title(f"exp(-|x|²/2) on [-1, 1]^{d}")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(figures / "shallow_rates.png", dpi=100)
print(f"saved {figures / 'shallow_rates.png'}")
