"""MLPRegressor: the shared core and training loop on real targets."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_friedman1, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import MLPRegressor
from sklearn_mathdl.neural_network._training import BaseDenseEstimator
from sklearn_mathdl.plugins import get_loss
from sklearn_mathdl.utils import check_loss

REGRESSION_LOSSES = ["squared_error", "absolute_error", "huber", "poisson"]


@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(n_samples=600, random_state=0)
    return StandardScaler().fit_transform(X), y


def test_shares_the_training_machinery():
    assert issubclass(MLPRegressor, BaseDenseEstimator)


@pytest.mark.parametrize("name", REGRESSION_LOSSES)
def test_regression_losses_pass_the_finite_difference_checker(name):
    check_loss(name)


@pytest.mark.parametrize(
    "solver,kwargs",
    [
        ("adam", {}),
        ("sgd", {"learning_rate": "invscaling", "learning_rate_init": 0.05}),
        ("lbfgs", {}),
    ],
)
def test_same_numbers_as_scikit_learn(solver, kwargs):
    X, y = make_regression(200, 8, noise=5.0, random_state=0)
    y = y / y.std()
    params = dict(hidden_layer_sizes=(16,), solver=solver, max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPRegressor(**params, **kwargs).fit(X, y)
        theirs = SklearnMLPRegressor(**params, **kwargs).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9, atol=1e-9)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-9)


def test_multi_output_and_one_output_shapes(friedman):
    X, y = friedman
    Y = np.column_stack([y, -2 * y + 1])
    reg = MLPRegressor(
        hidden_layer_sizes=(32,), solver="lbfgs", max_iter=300, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, Y)
    assert reg.predict(X).shape == (len(X), 2) and reg.n_outputs_ == 2
    assert r2_score(Y, reg.predict(X)) > 0.9
    single = clone(reg).fit(X, y)
    assert single.predict(X).shape == (len(X),)


def test_sample_weight_zero_equals_dropping_samples(friedman):
    X, y = friedman
    weights = np.ones(len(X))
    weights[::3] = 0
    reg = MLPRegressor(
        hidden_layer_sizes=(8,), solver="lbfgs", max_iter=50, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = clone(reg).fit(X, y, sample_weight=weights)
        dropped = clone(reg).fit(X[weights > 0], y[weights > 0])
    np.testing.assert_allclose(weighted.predict(X), dropped.predict(X), rtol=1e-6)


def test_early_stopping_scores_by_r2_and_restores_the_best(friedman):
    X, y = friedman
    reg = MLPRegressor(
        hidden_layer_sizes=(32,),
        early_stopping=True,
        max_iter=60,
        random_state=0,
        learning_rate_init=0.01,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    assert reg.best_loss_ is None and len(reg.validation_scores_) == reg.n_iter_
    assert max(reg.validation_scores_) == reg.best_validation_score_ > 0.8
    assert all(s <= 1 for s in reg.validation_scores_)


def test_partial_fit_equals_epochs_of_fit(friedman):
    X, y = friedman
    params = dict(hidden_layer_sizes=(8,), shuffle=False, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        full = MLPRegressor(max_iter=3, **params).fit(X, y)
    partial = MLPRegressor(**params)
    for _ in range(3):
        partial.partial_fit(X, y)
    np.testing.assert_allclose(partial.predict(X), full.predict(X), rtol=1e-10)


def test_warm_start_continues(friedman):
    X, y = friedman
    reg = MLPRegressor(
        hidden_layer_sizes=(8,), warm_start=True, max_iter=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
        first = reg.loss_curve_[-1]
        with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
            reg.fit(X, y)
    assert reg.n_iter_ == 5 and len(reg.loss_curve_) == 10
    assert reg.loss_curve_[-1] < first


def test_callback_stops_only_on_true(friedman):
    X, y = friedman
    seen = []

    def callback(est, info):
        seen.append(info["epoch"])
        return "stop" if info["epoch"] < 3 else info["epoch"] == 4

    MLPRegressor(
        hidden_layer_sizes=(4,), max_iter=50, random_state=0, callbacks=callback
    ).fit(X, y)
    assert seen == [1, 2, 3, 4]


def test_poisson_predicts_the_exponential_and_fits_counts():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(800, 2))
    y = rng.poisson(np.exp(1 + X[:, 0] - X[:, 1]))
    reg = MLPRegressor(
        hidden_layer_sizes=(8,),
        loss="poisson",
        solver="lbfgs",
        max_iter=500,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    assert reg.out_activation_ == "exp"
    assert (reg.predict(X) > 0).all()
    assert r2_score(np.exp(1 + X[:, 0] - X[:, 1]), reg.predict(X)) > 0.9
    with pytest.raises(ValueError, match="negative which is not allowed for Poisson"):
        clone(reg).fit(X, -y)


def test_huber_is_robust_to_outliers():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(400, 1))
    y = 2 * X[:, 0]
    y_dirty = y.copy()
    y_dirty[:20] += 50
    params = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        huber = MLPRegressor(loss=get_loss("huber"), **params).fit(X, y_dirty)
        squared = MLPRegressor(**params).fit(X, y_dirty)
    clean = slice(20, None)
    huber_err = np.abs(huber.predict(X[clean]) - y[clean]).mean()
    squared_err = np.abs(squared.predict(X[clean]) - y[clean]).mean()
    assert huber_err < squared_err / 3


def test_nan_target_is_refused(friedman):
    X, y = friedman
    y = y.copy()
    y[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MLPRegressor().fit(X, y)
