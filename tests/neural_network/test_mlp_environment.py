"""The user's environment: run-time plugins in worker processes and fresh
interpreters, BLAS thread limits, faulty plugins named in errors, verbose stop
reasons."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits

from sklearn_mathdl import MLPClassifier, MLPRegressor
from sklearn_mathdl.neural_network.activations import ElementwiseActivation, ReLU
from sklearn_mathdl.neural_network.losses import LogLoss
from sklearn_mathdl.utils import _threads
from sklearn_mathdl.utils._threads import available_cores

SOFTSIGN = """
import numpy as np
from sklearn_mathdl.neural_network.activations import ElementwiseActivation


class Softsign(ElementwiseActivation):
    def forward(self, z):
        return z / (1 + np.abs(z))

    def derivative(self, z):
        return 1 / (1 + np.abs(z)) ** 2
"""


def test_plugins_registered_in_a_script_train_in_loky_workers(run_python):
    # Plugins of every kind live in the user's __main__, registered at run time.
    out = run_python(
        SOFTSIGN
        + """
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.plugins import register_activation

from sklearn_mathdl.neural_network.initializers import GlorotUniform
from sklearn_mathdl.neural_network.losses import LogLoss
from sklearn_mathdl.neural_network.optimizers import Adam
from sklearn_mathdl.neural_network.schedules import Constant
from sklearn_mathdl.plugins import (
    register_initializer, register_loss, register_optimizer, register_schedule
)


class MyLoss(LogLoss): pass
class MyAdam(Adam): pass
class MySchedule(Constant): pass
class MyInit(GlorotUniform): pass


register_activation("softsign")(Softsign)
register_loss("my_loss")(MyLoss)
register_optimizer("my_adam")(MyAdam)
register_schedule("my_schedule")(MySchedule)
register_initializer("my_init")(MyInit)
X, y = load_iris(return_X_y=True)
est = MLPClassifier((8,), activation="softsign", solver="lbfgs", max_iter=200,
                    random_state=0)
search = GridSearchCV(est, {"alpha": [1e-4, 1e-2]}, cv=3, n_jobs=2).fit(X, y)
# A name only in the grid: set_params runs in the worker, after unpickling.
# A new name: loky reuses workers, which already hold the plugins sent so far.
register_activation("softsign_grid")(Softsign)
by_grid = GridSearchCV(
    MLPClassifier((8,), solver="lbfgs", max_iter=200, random_state=0),
    {"activation": ["relu", "softsign_grid"]}, cv=3, n_jobs=2, error_score="raise",
).fit(X, y)
assert by_grid.cv_results_["mean_test_score"].min() > 0.9
# The shallow approximator shares the mechanism: a run-time activation in a grid.
import numpy as np
from sklearn_mathdl import ShallowUniversalApproximator
X_reg = np.random.RandomState(0).uniform(-1, 1, (300, 1))
# A new name: loky reuses workers, which already hold the plugins sent so far.
register_activation("softsign_shallow")(Softsign)
shallow = GridSearchCV(
    ShallowUniversalApproximator(16, method="random", random_state=0),
    {"activation": ["tanh", "softsign_shallow"]}, cv=3, n_jobs=2,
    error_score="raise",
).fit(X_reg, np.sin(3 * X_reg[:, 0]))
assert shallow.cv_results_["mean_test_score"].min() > 0.5
every_kind = MLPClassifier(
    (8,), activation="softsign", loss="my_loss", solver="my_adam",
    learning_rate="my_schedule", initializer="my_init", learning_rate_init=0.01,
    max_iter=300, random_state=0,
)
scores = cross_val_score(every_kind, X, y, cv=3, n_jobs=2)
print("search", search.best_score_, "cv", scores.mean())
"""
    )
    search, cv = (float(w) for w in out.split()[1::2])
    assert search > 0.9 and cv > 0.9


def test_pickled_estimator_registers_its_plugins_in_a_fresh_process(
    run_python, tmp_path
):
    (tmp_path / "user_plugins.py").write_text(SOFTSIGN)  # defines, never registers
    run_python(
        """
import pickle
from sklearn.datasets import load_iris
from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.plugins import register_activation
from user_plugins import Softsign

register_activation("softsign")(Softsign)
X, y = load_iris(return_X_y=True)
est = MLPClassifier((8,), activation="softsign", solver="lbfgs", random_state=0)
pickle.dump(est.fit(X, y), open("model.pkl", "wb"))
""",
        PYTHONPATH=str(tmp_path),
    )
    out = run_python(
        """
import pickle
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn_mathdl.plugins import available_activations

assert "softsign" not in available_activations()
model = pickle.load(open("model.pkl", "rb"))
assert "softsign" in available_activations()
X, y = load_iris(return_X_y=True)
print(model.score(X, y), clone(model).fit(X, y).score(X, y))
""",
        PYTHONPATH=str(tmp_path),
    )
    loaded, refit = map(float, out.split())
    assert loaded > 0.9 and refit > 0.9


def _blas_threads_in_fit(**fit_context):
    X, y = make_classification(400, 64, random_state=0)
    seen = []

    def record(est, info):
        seen.append(
            min(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        )

    clf = MLPClassifier((256,), max_iter=2, random_state=0, callbacks=record)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    return seen


def test_fit_never_raises_blas_threads_above_the_users_limit(monkeypatch):
    # Unlimited, this network's 200x64x256 products ask for 3 threads: the
    # machine's cores cap them. Under threadpool_limits(1), one thread.
    # (On an idle machine: other processes' load is tested in test_threads.)
    monkeypatch.setattr(_threads, "busy_cores_elsewhere", lambda: 0)
    assert _blas_threads_in_fit() == [min(3, available_cores())] * 2
    with threadpool_limits(1, user_api="blas"):
        assert _blas_threads_in_fit() == [1, 1]


class NaNAfterOneCall(ElementwiseActivation):
    """Correct for the shape check, NaN during training."""

    def __init__(self):
        self.calls_ = 0

    def forward(self, z):
        self.calls_ += 1
        return z if self.calls_ == 1 else z * np.nan

    def derivative(self, z):
        return np.ones_like(z)


class NaNBackward(ReLU):
    """Right forward pass, NaN in the backward pass."""

    def derivative(self, z):
        return super().derivative(z) * np.nan


class NaNGradientLoss(LogLoss):
    """Right value, NaN gradient."""

    def value_and_gradient(self, y, o, sample_weight=None):
        value, grad = super().value_and_gradient(y, o, sample_weight)
        return value, grad * np.nan


class WrongShapeActivation(ReLU):
    def forward(self, z):
        return super().forward(z)[:, :1]


class NaNLoss(LogLoss):
    def value_and_gradient(self, y, o, sample_weight=None):
        value, grad = super().value_and_gradient(y, o, sample_weight)
        return value * np.nan, grad


class WrongShapeLoss:
    """A loss object with only value and gradient, the gradient one column short."""

    def value(self, y, o, sample_weight=None):
        return LogLoss().value(y, o, sample_weight)

    def gradient(self, y, o, sample_weight=None):
        return LogLoss().gradient(y, o, sample_weight)[:, :1]

    def __repr__(self):
        return "WrongShapeLoss()"


@pytest.mark.parametrize(
    "params,message",
    [
        ({"activation": NaNAfterOneCall()}, "The activation NaNAfterOneCall()"),
        (
            {"activation": WrongShapeActivation()},
            r"WrongShapeActivation\(\) of layer 1 returned from forward an array "
            r"of shape",
        ),
        ({"loss": NaNLoss()}, r"The loss NaNLoss\(\) returned nan"),
        (
            {"activation": NaNBackward()},
            r"The activation NaNBackward\(\) of layer 1 returned NaN in its "
            r"backward pass",
        ),
        (
            {"loss": NaNGradientLoss()},
            r"The loss NaNGradientLoss\(\) returned NaN in its gradient",
        ),
        (
            {"loss": WrongShapeLoss()},
            r"The loss WrongShapeLoss\(\) returned .* gradient of shape \(2, 1\)",
        ),
    ],
    ids=[
        "nan-activation",
        "shape-activation",
        "nan-loss",
        "nan-backward",
        "nan-gradient",
        "shape-loss",
    ],
)
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_faulty_plugins_are_named_not_the_learning_rate(params, message, solver):
    X, y = load_iris(return_X_y=True)
    clf = MLPClassifier((4,), solver=solver, max_iter=5, **params)
    with pytest.raises(ValueError, match=message) as info:
        clf.fit(X, y)
    assert "learning_rate" not in str(info.value)


def test_verbose_says_why_training_stopped(capsys):
    X, y = load_iris(return_X_y=True)
    MLPRegressor(
        hidden_layer_sizes=(4,), tol=10.0, n_iter_no_change=2, verbose=True
    ).fit(X, y)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == (
        "Training stopped: Training loss did not improve more than tol=10.000000 "
        "for 2 consecutive epochs. Stopping (patience n_iter_no_change)."
    )
    MLPClassifier((4,), verbose=True, callbacks=lambda est, info: True).fit(X, y)
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "Training stopped: a callback returned True at epoch 1"
    )
