"""
One hidden layer, more and more ramps: sin(3 pi x) with n = 2, 4, 8, 16, 32
============================================================================

A one-hidden-layer network G(x) = sum_i a_i sigma(w_i x + b_i) + a_0 is a sum of
ramps. The orthogonal greedy algorithm (Siegel & Xu 2021) adds them one at a
time, each the sigmoid ramp most correlated with what is still unexplained,
and re-solves all output weights by least squares. Each panel shows the
target, the network, and its ramps a_i sigma(w_i x + b_i) (thin lines, shifted
by a_0 / n so that they sum to the network): the ramps sit where the target
turns, and the fit improves as n doubles (Cybenko's and Hornik's theorems in
action).
"""

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sklearn_mathdl import ShallowUniversalApproximator

quick = os.environ.get("MATHDL_QUICK") == "1"
figures = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
figures.mkdir(parents=True, exist_ok=True)

rng = np.random.RandomState(0)
X = rng.uniform(-1, 1, (300 if quick else 2000, 1))
y = np.sin(3 * np.pi * X[:, 0])
grid = np.linspace(-1, 1, 500)[:, None]

sizes = (2, 4, 8, 16, 32)
fig, axes = plt.subplots(1, len(sizes), figsize=(4 * len(sizes), 3.6), sharey=True)
for ax, n in zip(axes, sizes):
    model = ShallowUniversalApproximator(n, method="greedy", random_state=0).fit(X, y)
    ramps = model.activation_.forward(
        grid @ model.hidden_weights_.T + model.hidden_bias_
    )
    pieces = ramps * model.output_weights_ + model.output_bias_ / model.n_neurons_
    ax.plot(grid, pieces, lw=0.6, alpha=0.6)
    ax.plot(grid, np.sin(3 * np.pi * grid[:, 0]), "k--", lw=1, label="target")
    ax.plot(grid, model.predict(grid), "C3", lw=2, label="network")
    mse = np.mean((model.predict(grid) - np.sin(3 * np.pi * grid[:, 0])) ** 2)
    ax.set_title(f"n = {n}, MSE {mse:.1e}")
    ax.set_ylim(-2.5, 2.5)
    ax.set_xlabel("x")
    print(f"n = {n:2d}: mean squared error on a grid {mse:.2e}")
axes[0].legend(loc="lower left")
fig.suptitle("sin(3πx) by greedy sums of sigmoid ramps")
fig.tight_layout()
fig.savefig(figures / "shallow_ramps.png", dpi=100)
print(f"saved {figures / 'shallow_ramps.png'}")
