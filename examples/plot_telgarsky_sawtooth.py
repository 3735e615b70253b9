"""
Telgarsky's sawtooth: what depth buys
======================================

The ReLU network f(x) = ReLU(2 ReLU(x) - 4 ReLU(x - 1/2)) is the tent map on
[0, 1]; composed k times (depth 2k, 3k units) it is a sawtooth with 2^k linear
pieces, which ``count_linear_regions`` counts exactly. Thresholded at 1/2 it
labels the 2^k + 1 points x_i = i / 2^k alternately without error. A network
with one hidden layer of n ReLUs has at most n + 1 pieces, hence at most n + 1
crossings of 1/2: it needs n >= 2^k - 1 neurons (Telgarsky 2016). Right panel:
shallow networks fitted to those points by the greedy method, their classification errors and
pieces, against n; the dashed line is 2^k - 1.
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
from sklearn_mathdl.theory import (
    count_linear_regions,
    linear_region_bounds,
    telgarsky_sawtooth,
)

warnings.simplefilter("ignore", ConvergenceWarning)
quick = os.environ.get("MATHDL_QUICK") == "1"
figures = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
figures.mkdir(parents=True, exist_ok=True)

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
x = np.linspace(0, 1, 2001)[:, None]
for k in (1, 2, 3, 4):
    net = telgarsky_sawtooth(k)
    pieces = count_linear_regions(net, 0.0, 1.0)
    left.plot(x, net.predict(x) + 1.2 * (k - 1), label=f"k={k}: {pieces} pieces")
    lower, upper = linear_region_bounds([2, 1] * k)
    print(
        f"k = {k}: depth {2 * k}, {3 * k} units, {pieces} linear pieces "
        f"(architecture's upper bound {upper})"
    )
left.set_title("m^(k): the tent map composed k times (shifted)")
left.set_xlabel("x")
left.legend(fontsize=8)

k = 3 if quick else 4
points = (np.arange(2**k + 1) / 2**k)[:, None]
labels = np.arange(2**k + 1) % 2
sawtooth_errors = int(np.sum((telgarsky_sawtooth(k).predict(points) > 0.5) != labels))
sizes = np.arange(2, 2**k + 5)
errors, counts = [], []
for n in sizes:
    # The greedy method interpolates the points as soon as it can.
    model = ShallowUniversalApproximator(
        int(n), activation="relu", method="greedy", random_state=0
    ).fit(points, labels.astype(float))
    errors.append(int(np.sum((model.predict(points) > 0.5) != labels)))
    counts.append(count_linear_regions(model, 0.0, 1.0))
    print(
        f"shallow n = {n:2d}: {errors[-1]} of {2**k + 1} points wrong, "
        f"{counts[-1]} pieces (at most {n + 1})"
    )
right.plot(sizes, errors, "o-", label="misclassified points (greedy fit)")
right.plot(sizes, counts, "s-", label="linear pieces")
right.plot(sizes, sizes + 1, "k:", label="n + 1 (most pieces possible)")
right.axvline(2**k - 1, color="k", ls="--", label=f"2^k - 1 = {2**k - 1}")
right.set_title(
    f"k = {k}: sawtooth with {3 * k} units makes {sawtooth_errors} errors; "
    "one hidden layer"
)
right.set_xlabel("neurons n of the shallow network")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(figures / "telgarsky_sawtooth.png", dpi=100)
print(f"saved {figures / 'telgarsky_sawtooth.png'}")
