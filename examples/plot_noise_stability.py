"""
Noise stability and compression of a trained MLP
================================================

Arora, Ge, Neyshabur & Zhang (2018): inject Gaussian noise of norm |h_i(x)| at
layer i of a network and watch the relative change of the layers above. A
trained network attenuates it; the same network at its (Glorot)
initialisation passes it on. Left: that relative change, for noise injected at
layer i, measured one layer up (j = i + 1), for a digits MLP trained (solid)
and at initialisation (dashed); the printed table gives every later layer and
the layer cushions.

Right: the first layer of a wide trained MLP (weight decay alpha=3, which
raises the cushions) compressed to k random sign
projections, Â = (1/k) Σ_t <A, M_t> M_t (unbiased), and the held-out accuracy
against the fraction of parameters kept. The compression error of the first
layer is large, but the layer above (cushion well above that of a random
matrix) shrinks it before it reaches the logits.

Caveat, printed too: a deep ReLU network at initialisation also shrinks
relative perturbations over many layers (random ReLU layers pull all inputs
towards one direction), so compare layer by layer, where the trained network
attenuates clearly more.
"""

import copy
import os
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.plugins import get_initializer
from sklearn_mathdl.theory import compress_mlp, layer_cushion, noise_sensitivity

warnings.simplefilter("ignore", ConvergenceWarning)
quick = os.environ.get("MATHDL_QUICK") == "1"
figures = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
figures.mkdir(parents=True, exist_ok=True)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y
)

# Noise stability of a deep narrow MLP, trained and at initialisation.
mlp = MLPClassifier((64, 64, 64), alpha=1.0, max_iter=200, random_state=0)
mlp.fit(X_train, y_train)
init = copy.deepcopy(mlp)
init.network_.initialize(get_initializer("glorot_uniform"), np.random.RandomState(0))
points = X_train[: 200 if quick else 600]
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.4))
one_step = {}
for model, style, name in ((mlp, "o-", "trained"), (init, "s--", "initialisation")):
    one_step[name] = []
    for i in range(mlp.n_layers_ - 1):
        psi = noise_sensitivity(model, points, layer=i, random_state=0)
        one_step[name].append(psi[0])
        print(f"noise at layer {i}, {name:>14}: " + " ".join(f"{p:.2f}" for p in psi))
    left.plot(
        np.arange(1, mlp.n_layers_), one_step[name], style, label=f"{name}: j = i + 1"
    )
psi = noise_sensitivity(mlp, points, layer=0, random_state=0)
left.plot(np.arange(1, mlp.n_layers_), psi, "^:", label="trained: i = 0, j = 1..4")
left.axhline(1.0, color="k", lw=0.8)
left.set_xlabel("layer j (4 = logits)")
left.set_ylabel("|h_j(h_i + η) − h_j(h_i)| / |h_j(h_i)|")
left.set_ylim(0, 1.2)
left.set_title("Noise of norm |h_i| at layer i, measured at layer j")
left.legend(fontsize=8)
widths = np.array([64, 64, 64, 64])
for model, name in ((mlp, "trained"), (init, "initialisation")):
    cushion = layer_cushion(model, X_train, quantile=0.5)
    print(
        f"median layer cushion x sqrt(fan_in), {name}: "
        + " ".join(f"{c:.2f}" for c in cushion * np.sqrt(widths))
    )

# Compression of the first layer of a wide MLP, against accuracy.
wide = MLPClassifier((256,), alpha=3.0, max_iter=200, random_state=0)
wide.fit(X_train, y_train)
ratios = [0.05, 0.25, 0.5] if quick else [0.02, 0.05, 0.1, 0.25, 0.5, 0.75]
seeds = range(1 if quick else 3)
kept, accuracy = [], []
for r in ratios:
    runs = [compress_mlp(wide, X_test, y_test, (r, 1), random_state=s) for s in seeds]
    kept.append(runs[0].n_params / runs[0].n_params_original)
    accuracy.append(np.mean([run.score for run in runs]))
    print(
        f"first layer at ratio {r:.2f}: {runs[0].n_params} of "
        f"{runs[0].n_params_original} parameters, held-out accuracy "
        f"{accuracy[-1]:.3f} (uncompressed {runs[0].score_original:.3f})"
    )
base = wide.score(X_test, y_test)
right.plot(kept, accuracy, "o-", label="first layer compressed")
right.axhline(base, color="k", label=f"uncompressed ({base:.3f})")
right.axhline(base - 0.02, color="k", ls=":", label="2 points below")
right.set_xlabel("fraction of parameters kept")
right.set_ylabel("held-out accuracy")
right.set_title("MLP (256,), alpha=3, on digits: Â = (1/k) Σ <A, M_t> M_t")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(figures / "noise_stability.png", dpi=100)
print(f"saved {figures / 'noise_stability.png'}")
