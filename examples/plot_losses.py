"""Loss functions: test accuracy on digits for every loss of Janocha & Czarnecki.

Janocha & Czarnecki (2017) ask what the loss does to a deep classifier, beyond
the log loss that nearly everyone uses: they compare twelve losses on the same
networks, and show that the L1 and L2 distances between the one-hot target and
the softmax (``expectation`` and ``regularised_expectation``) are justified
classification objectives, with a reading in terms of expected
misclassification. Every loss of their table is registered in
:mod:`sklearn_mathdl.neural_network.losses`, so the experiment is a loop over names: the
network (one hidden layer of 64 ReLU units), the optimizer (Adam,
:math:`\\eta_0 = 10^{-3}`), the epoch budget and the initial weights are the
same for every loss, and no loss is tuned.

The digits are split into a training and a test set, standardised with the
statistics of the training set. In full mode each loss is trained from five
initialisations and the bars show the mean test accuracy and its standard
deviation; quick mode trains once, for fewer epochs.

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
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.neural_network.losses import JANOCHA_CZARNECKI_TABLE

QUICK = os.environ.get("MATHDL_QUICK", "") not in ("", "0")
FIGURES = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
MAX_EPOCHS = 30 if QUICK else 200
SEEDS = [0] if QUICK else [0, 1, 2, 3, 4]
LOSSES = list(JANOCHA_CZARNECKI_TABLE)
# The families of the table: distances to the output o, distances to the
# softmax σ, margins, likelihoods, and similarities between σ and y.
FAMILIES = {
    "distance to o": ["l1", "l2"],
    "distance to softmax σ": ["expectation", "regularised_expectation", "chebyshev"],
    "hinge (margin ½)": ["hinge", "squared_hinge", "cubed_hinge"],
    "likelihood of σ": ["log", "squared_log"],
    "similarity of σ and y": ["tanimoto", "cauchy_schwarz"],
}

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

start = time.perf_counter()
accuracies = {}
for loss in LOSSES:
    scores = []
    for seed in SEEDS:
        model = make_pipeline(
            StandardScaler(),
            MLPClassifier(
                (64,),
                loss=loss,
                learning_rate_init=1e-3,
                max_iter=MAX_EPOCHS,
                random_state=seed,
            ),
        )
        with warnings.catch_warnings():
            # Every loss gets the same epoch budget, whether it has converged or not.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        scores.append(model.score(X_test, y_test))
    accuracies[loss] = np.array(scores)

print(f"{'loss':<24} {'test accuracy':>13}")
for loss, scores in accuracies.items():
    spread = f" ± {scores.std():.3f}" if len(scores) > 1 else ""
    print(f"{loss:<24} {scores.mean():>13.3f}{spread}")

fig, ax = plt.subplots(figsize=(9, 5.5), layout="constrained")
colors = plt.get_cmap("tab10").colors
for color, (family, losses) in zip(colors, FAMILIES.items()):
    rows = [LOSSES.index(loss) for loss in losses]
    means = np.array([accuracies[loss].mean() for loss in losses])
    stds = np.array([accuracies[loss].std() for loss in losses])
    ax.barh(
        rows,
        means,
        xerr=stds if len(SEEDS) > 1 else None,
        color=color,
        label=family,
        capsize=3,
    )
    for row, mean, std in zip(rows, means, stds):
        ax.text(mean + std + 0.002, row, f"{mean:.3f}", va="center", fontsize=9)
ax.set_yticks(np.arange(len(LOSSES)), LOSSES)
ax.invert_yaxis()
low = min(scores.mean() for scores in accuracies.values())
ax.set_xlim(max(0.0, low - 0.03), 1.0)
ax.set_xlabel("test accuracy" + ("" if len(SEEDS) == 1 else " (mean ± std, 5 seeds)"))
ax.set_ylabel("loss")
ax.set_title(
    f"Digits, MLPClassifier((64,)), Adam, at most {MAX_EPOCHS} epochs per loss"
)
fig.legend(title="family", loc="outside right center")

FIGURES.mkdir(parents=True, exist_ok=True)
path = FIGURES / "plot_losses.png"
fig.savefig(path, dpi=100)
print(f"Saved {path} ({time.perf_counter() - start:.1f} s)")
