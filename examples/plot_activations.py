"""Activations: decision boundaries of one network with different hidden units.

The same :class:`~sklearn_mathdl.MLPClassifier` (two hidden layers of 16 units,
Adam, cross-entropy) is trained on the two moons with a different hidden
activation in each panel. Backpropagation only needs each activation's
vector–Jacobian product, so every unit, from the identity (a linear classifier)
to maxout (the maximum of two affine pieces per unit), trains with the same
code.

The shading is the predicted probability of the second class. The shapes
follow the units: ReLU, leaky ReLU and maxout networks are piecewise linear,
so their boundaries are polygonal; tanh, sigmoid, softplus, ELU and swish
networks are smooth; ReLU² and ReLU³ give piecewise polynomial boundaries.
Each title gives the activation and the accuracy on held-out points (the
hollow markers).

Set ``MATHDL_QUICK=1`` for a short run; figures go to the directory named by
``MATHDL_FIGURES`` (default ``mathdl_figures``).
"""

import os
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sklearn_mathdl import MLPClassifier

QUICK = os.environ.get("MATHDL_QUICK", "") not in ("", "0")
FIGURES = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
MAX_EPOCHS = 200 if QUICK else 2000
ACTIVATIONS = [
    "identity",
    "relu",
    "leaky_relu",
    "maxout",
    "elu",
    "swish",
    "softplus",
    "tanh",
    "sigmoid",
    "relu_squared",
    "relu_cubed",
    "gelu",
]

X, y = make_moons(n_samples=400, noise=0.15, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
margin = 0.5
xx, yy = np.meshgrid(
    np.linspace(X[:, 0].min() - margin, X[:, 0].max() + margin, 200),
    np.linspace(X[:, 1].min() - margin, X[:, 1].max() + margin, 200),
)
grid = np.column_stack([xx.ravel(), yy.ravel()])

start = time.perf_counter()
n_cols = 4
n_rows = -(-len(ACTIVATIONS) // n_cols)
fig, axes = plt.subplots(
    n_rows,
    n_cols,
    figsize=(3.2 * n_cols, 3.0 * n_rows),
    sharex=True,
    sharey=True,
    layout="constrained",
)
for ax, activation in zip(axes.flat, ACTIVATIONS):
    clf = MLPClassifier(
        (16, 16),
        activation=activation,
        learning_rate_init=0.01,
        max_iter=MAX_EPOCHS,
        n_iter_no_change=50,
        random_state=0,
    )
    with warnings.catch_warnings():
        # A short budget is the point of quick mode; it is reported below.
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    accuracy = clf.score(X_test, y_test)
    ending = "epoch budget" if clf.n_iter_ == MAX_EPOCHS else "loss plateau"
    print(
        f"{activation:>12}: test accuracy {accuracy:.3f} after {clf.n_iter_} "
        f"epochs ({ending})"
    )
    proba = clf.predict_proba(grid)[:, 1].reshape(xx.shape)
    shading = ax.contourf(
        xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.8
    )
    ax.contour(xx, yy, proba, levels=[0.5], colors="k", linewidths=1)
    ax.scatter(
        *X_train.T,
        c=y_train,
        cmap="RdBu_r",
        s=12,
        edgecolors="k",
        linewidths=0.3,
    )
    ax.scatter(
        *X_test.T,
        facecolors="none",
        edgecolors=np.where(y_test == 1, "darkred", "darkblue"),
        s=20,
    )
    ax.set_title(f"{activation}, test accuracy {accuracy:.2f}", fontsize=10)
marker = dict(marker="o", linestyle="none", markeredgecolor="k")
axes.flat[0].legend(
    handles=[
        Line2D([], [], markerfacecolor="grey", label="train", **marker),
        Line2D([], [], markerfacecolor="none", label="test", **marker),
    ],
    loc="lower left",
    fontsize=8,
)
for ax in axes[-1]:
    ax.set_xlabel("$x_1$")
for ax in axes[:, 0]:
    ax.set_ylabel("$x_2$")
for ax in axes.flat[len(ACTIVATIONS) :]:
    ax.set_visible(False)
fig.colorbar(shading, ax=axes, shrink=0.6, label="predicted probability of class 1")
fig.suptitle("Two moons, MLPClassifier((16, 16)): one hidden activation per panel")

FIGURES.mkdir(parents=True, exist_ok=True)
path = FIGURES / "plot_activations.png"
fig.savefig(path, dpi=100)
print(f"Saved {path} ({time.perf_counter() - start:.1f} s)")
