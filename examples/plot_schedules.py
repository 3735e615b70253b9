"""Learning-rate schedules: training loss of SGD under four schedules.

An :class:`~sklearn_mathdl.MLPClassifier` with ``solver="sgd"`` (Nesterov
momentum 0.9) is trained on the scaled digits under the four built-in
schedules, from the same initial weights and the same initial rate
:math:`\\eta_0`:

- ``"constant"``: :math:`\\eta_t = \\eta_0`;
- ``"inverse_scaling"``: :math:`\\eta_t = \\eta_0 / (1 + t/t_0)^p` over the update
  count :math:`t` (defaults :math:`p = 1`, :math:`t_0 = 1000`), the only one of
  the four that satisfies the Robbins–Monro conditions
  :math:`\\sum_t \\eta_t = \\infty`, :math:`\\sum_t \\eta_t^2 < \\infty`;
- ``"step_decay"``: the rate halves every 10 epochs;
- ``"adaptive"``: the rate is divided by 5 whenever the training loss stops
  improving by ``tol`` for ``n_iter_no_change`` epochs.

The left panel shows ``loss_curve_`` (log scale), the right panel the learning
rate of each epoch, recorded by a callback. A run ends at its epoch budget or
at the first plateau of the loss, except for ``"adaptive"``, which lowers the
rate there and goes on. A rate that decays too early slows training down: on
this small, separable problem the constant rate reaches a low loss first, and
the decaying schedules trade speed for the smaller steps that stochastic
approximation theory asks for.

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
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import MLPClassifier

QUICK = os.environ.get("MATHDL_QUICK", "") not in ("", "0")
FIGURES = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
MAX_EPOCHS = 30 if QUICK else 200
# "adaptive" follows "constant" until the first plateau: dash it so both show.
SCHEDULES = {
    "constant": dict(linewidth=3, alpha=0.6),
    "inverse_scaling": dict(),
    "step_decay": dict(),
    "adaptive": dict(linestyle="--"),
}

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

start = time.perf_counter()
fig, (ax_loss, ax_rate) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
for schedule, style in SCHEDULES.items():
    rates = []
    clf = MLPClassifier(
        (64,),
        solver="sgd",
        learning_rate=schedule,
        learning_rate_init=0.05,
        batch_size=64,
        max_iter=MAX_EPOCHS,
        tol=1e-5,
        random_state=0,
        callbacks=lambda est, info, rates=rates: rates.append(info["learning_rate"]),
    )
    with warnings.catch_warnings():
        # The comparison is at a fixed epoch budget: running out of it is
        # expected, and reported below for each run instead.
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    epochs = range(1, clf.n_iter_ + 1)
    ax_loss.plot(epochs, clf.loss_curve_, label=schedule, **style)
    ax_rate.plot(epochs, rates, label=schedule, drawstyle="steps-post", **style)
    ending = "epoch budget" if clf.n_iter_ == MAX_EPOCHS else "loss plateau"
    print(
        f"{schedule:>16}: final training loss {clf.loss_curve_[-1]:.3e} after "
        f"{clf.n_iter_} epochs ({ending})"
    )

ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training loss (log scale)")
ax_loss.set_title("loss_curve_ of SGD (Nesterov momentum 0.9)")
ax_loss.legend(title="schedule")
ax_rate.set_yscale("log")
ax_rate.set_xlabel("epoch")
ax_rate.set_ylabel(r"learning rate $\eta$ (log scale)")
ax_rate.set_title("Learning rate at the end of each epoch")
ax_rate.legend(title="schedule")
fig.suptitle(r"Digits, one hidden layer of 64 ReLU units, $\eta_0 = 0.05$")

FIGURES.mkdir(parents=True, exist_ok=True)
path = FIGURES / "plot_schedules.png"
fig.savefig(path, dpi=100)
print(f"Saved {path} ({time.perf_counter() - start:.1f} s)")
