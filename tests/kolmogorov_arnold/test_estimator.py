"""KolmogorovArnoldRegressor's parameters: clear errors, the grid range warning,
the solvers, sample weights, multi-output targets, early stopping and pruning."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sklearn_mathdl import KolmogorovArnoldRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _data(n=120, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n, 2))
    return X, np.sin(np.pi * X[:, 0]) + X[:, 1] ** 2


@pytest.mark.parametrize(
    "params, phrase",
    [
        ({"widths": (0,)}, "widths must be a tuple of positive integers"),
        ({"widths": (2.5,)}, "widths must be a tuple of positive integers"),
        ({"n_knots": 1}, "n_knots"),
        ({"n_knots": (6, 4)}, "strictly increasing"),
        ({"grid_range": (1, -1)}, "low < high"),
        ({"grid_range": (0, np.inf)}, "finite"),
        ({"spline_degree": 0}, "spline_degree"),
        ({"base_function": "no_such_function"}, "no_such_function"),
    ],
)
def test_bad_parameters_are_named(params, phrase):
    X, y = _data()
    with pytest.raises(ValueError, match=phrase):
        KolmogorovArnoldRegressor(**params).fit(X, y)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_is_refused(bad):
    X, y = _data()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains"):
        KolmogorovArnoldRegressor().fit(X, y)


def test_data_leaving_the_grid_range_warn_and_extend_it():
    X, y = _data()
    with pytest.warns(UserWarning, match=r"leave grid_range=\(-0.5, 0.5\)"):
        model = KolmogorovArnoldRegressor(grid_range=(-0.5, 0.5), random_state=0)
        model.fit(X, y)
    low = model.network_.centers[0] - model.network_.half_widths[0]
    high = model.network_.centers[0] + model.network_.half_widths[0]
    assert (low <= X.min(axis=0)).all() and (high >= X.max(axis=0)).all()
    far = np.array([[1e6, -1e6], [1e300, 3.0]])  # clipped: bounded predictions
    assert np.isfinite(model.predict(far)).all()


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_stochastic_solvers_with_early_stopping_fit(solver):
    X, y = _data(300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = KolmogorovArnoldRegressor(
            widths=(3,),
            solver=solver,
            early_stopping=True,
            max_iter=60,
            learning_rate_init=0.01,
            random_state=0,
        ).fit(X, y)
    assert model.best_loss_ is None and len(model.validation_scores_) > 0
    assert model.score(X, y) > 0.5


def test_sample_weight_equals_repetition():
    X, y = _data(40)
    weights = np.arange(40) % 3
    weighted = KolmogorovArnoldRegressor(widths=(2,), max_iter=30, random_state=0)
    repeated = KolmogorovArnoldRegressor(widths=(2,), max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted.fit(X, y, sample_weight=weights)
        repeated.fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), atol=1e-5)


def test_multi_output_targets():
    X, y = _data()
    Y = np.column_stack([y, -2 * y + 1])
    model = KolmogorovArnoldRegressor(widths=(), n_knots=9, random_state=0).fit(X, Y)
    assert model.predict(X).shape == (X.shape[0], 2)
    assert model.score(X, Y) > 0.99


def test_pruning_removes_negligible_edges():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (300, 3))
    y = np.sin(np.pi * X[:, 0])  # features 1 and 2 are irrelevant
    model = KolmogorovArnoldRegressor(
        widths=(), n_knots=9, l1_penalty=1e-3, entropy_penalty=1e-3, random_state=0
    ).fit(X, y)
    norms = model.edge_norms_[0][:, 0]
    assert norms[0] > 10 * max(norms[1], norms[2])
    before = model.predict(X)
    model.prune(threshold=0.05)
    assert model.n_edges_ == 1
    [(inputs, values)] = model.univariate_functions()
    assert np.all(values[:, 1:, 0] == 0.0)
    assert np.mean((model.predict(X) - before) ** 2) < 1e-2


def test_an_int_width_is_one_hidden_layer():
    X, y = _data(40)
    model = KolmogorovArnoldRegressor(widths=3, max_iter=5, random_state=0).fit(X, y)
    assert model.layer_sizes_ == [2, 3, 1]


def test_a_callback_stops_the_last_stage():
    X, y = _data(60)
    seen = []

    def stop_at_third(model, info):
        seen.append(info["epoch"])
        return info["epoch"] == 3

    model = KolmogorovArnoldRegressor(
        widths=(), n_knots=(4, 6), callbacks=stop_at_third, random_state=0
    ).fit(X, y)
    # The first stage runs its budget quietly; the last one reports and stops.
    assert seen == [1, 2, 3]
    assert model.n_iter_ < 200 + 3 + 1
