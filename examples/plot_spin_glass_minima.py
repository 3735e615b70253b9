"""
Spin-glass minima and the losses of wide networks
==================================================

Left: the energies per spin H/N of the local minima that projected gradient
descent finds on the spherical 3-spin glass, from many random starts, for
several N. As N grows they concentrate in a narrow band just above the
threshold -E_inf = -2 sqrt(2/3) ~ -1.633 (dashed; the ground state is about
-1.657): Auffinger, Ben Arous & Cerny (2013). Right: the test log loss of
MLPClassifier fits on digits from random initialisations, at several widths;
their spread shrinks as the network widens, the behaviour Choromanska et al.
(2015) derive from the spin-glass picture: a local minimum is about as good
as any other.
"""

import os
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.theory import (
    restart_losses,
    spin_glass_minima,
    spin_glass_threshold,
)

warnings.simplefilter("ignore", ConvergenceWarning)
# The matrices are small: one BLAS thread is faster than several.
threadpool_limits(limits=1, user_api="blas")
quick = os.environ.get("MATHDL_QUICK") == "1"
figures = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
figures.mkdir(parents=True, exist_ok=True)

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
threshold = spin_glass_threshold(3)
sizes, n_starts = ((15, 30, 50), 30) if quick else ((20, 40, 80), 60)
bins = np.linspace(-1.75, -1.05, 36)
for N in sizes:
    energies = spin_glass_minima(N, 3, n_starts=n_starts, random_state=0)
    left.hist(energies, bins=bins, alpha=0.5, label=f"N = {N}")
    print(
        f"N = {N:3d}: minima energy per spin {energies.mean():.3f} "
        f"+- {energies.std():.3f} (threshold {threshold:.3f})"
    )
left.axvline(threshold, color="k", ls="--", label="-E_inf = -2 sqrt(2/3)")
left.axvline(-1.657, color="k", ls=":", label="ground state -E_0")
left.set_xlabel("energy per spin H/N at the local minimum")
left.set_ylabel("number of random starts")
left.set_title("spherical 3-spin glass: minima found by projected GD")
left.legend(fontsize=8)

X, y = load_digits(return_X_y=True)
X = X / 16
n_train = 400 if quick else 900
widths = (4, 16, 64) if quick else (4, 8, 16, 32, 64)
fits = 5 if quick else 10
for width in widths:
    net = MLPClassifier((width,), max_iter=100, learning_rate_init=1e-2)
    losses = restart_losses(
        net, X[:n_train], y[:n_train], X[1200:], y[1200:], n_starts=fits, random_state=0
    )
    right.plot([width] * fits, losses, "o", alpha=0.6, color="C0")
    print(f"width {width:3d}: test log loss {losses.mean():.3f} +- {losses.std():.4f}")
right.set_xscale("log", base=2)
right.set_xlabel("hidden units")
right.set_ylabel("test log loss")
right.set_title(f"MLPClassifier on digits, {fits} random starts per width")
fig.tight_layout()
fig.savefig(figures / "spin_glass_minima.png", dpi=100)
print(f"saved {figures / 'spin_glass_minima.png'}")
