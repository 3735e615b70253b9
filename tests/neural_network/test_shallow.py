"""ShallowUniversalApproximator: the three methods, the greedy rates, the API."""

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_mathdl import ShallowUniversalApproximator
from sklearn_mathdl.neural_network._affine import second_moment, standardise
from sklearn_mathdl.neural_network.activations import ElementwiseActivation
from sklearn_mathdl.plugins import get_activation

METHODS = ["backprop", "random", "greedy"]


def sine(n=400, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n, 1))
    return X, np.sin(3 * np.pi * X[:, 0])


def gaussian_bump(n=600, d=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n, d))
    return X, np.exp(-0.5 * (X**2).sum(axis=1))


@parametrize_with_checks(
    [
        ShallowUniversalApproximator(8, max_iter=30, random_state=0),
        ShallowUniversalApproximator(32, method="random", random_state=0),
        ShallowUniversalApproximator(
            8, method="random", activation="relu", backprop_refine=5, random_state=0
        ),
        ShallowUniversalApproximator(
            6, method="greedy", n_candidates=16, refine_steps=3, random_state=0
        ),
        ShallowUniversalApproximator(
            6,
            method="greedy",
            greedy="relaxed",
            activation="tanh",
            n_candidates=16,
            random_state=0,
        ),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _manual(model, X):
    act = get_activation(model.activation)
    H = act.forward(X @ model.hidden_weights_.T + model.hidden_bias_)
    return H @ model.output_weights_ + model.output_bias_


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "relu_squared"])
def test_attributes_reproduce_predict(method, activation):
    X, y = gaussian_bump(200, d=2)
    model = ShallowUniversalApproximator(
        10, activation=activation, method=method, max_iter=20, random_state=0
    ).fit(X, y)
    assert model.hidden_weights_.shape == (model.n_neurons_, 2)
    assert model.hidden_bias_.shape == (model.n_neurons_,)
    assert model.output_weights_.shape == (model.n_neurons_,)
    assert isinstance(model.output_bias_, float)
    np.testing.assert_allclose(
        _manual(model, X), model.predict(X), rtol=1e-10, atol=1e-10
    )


@pytest.mark.parametrize("method", METHODS)
def test_multi_output_and_manual_sum(method):
    X, y = gaussian_bump(300, d=2)
    Y = np.column_stack([y, np.sin(2 * X[:, 0]), 3.0 * X[:, 1] + 10])
    model = ShallowUniversalApproximator(
        16, method=method, max_iter=50, random_state=0
    ).fit(X, Y)
    assert model.output_weights_.shape == (model.n_neurons_, 3)
    assert model.output_bias_.shape == (3,)
    pred = model.predict(X)
    assert pred.shape == (300, 3)
    np.testing.assert_allclose(_manual(model, X), pred, rtol=1e-10, atol=1e-10)
    assert np.mean((pred - Y) ** 2) < 0.05 * Y.var(axis=0).mean()


@pytest.mark.parametrize("method", METHODS)
def test_approximates_sine(method):
    X, y = sine(500)
    X_test, y_test = sine(500, seed=1)
    model = ShallowUniversalApproximator(32, method=method, random_state=0).fit(X, y)
    assert np.mean((model.predict(X_test) - y_test) ** 2) < 2e-2


def test_greedy_curve_decreases_and_follows_rate():
    X, y = gaussian_bump(800, d=2)
    X_val, y_val = gaussian_bump(800, d=2, seed=1)
    model = ShallowUniversalApproximator(
        32, method="greedy", activation="relu", random_state=0
    ).fit(X, y, X_val=X_val, y_val=y_val)
    curve = model.approximation_curve_
    np.testing.assert_array_equal(curve["n_neurons"], np.arange(1, 33))
    train = curve["train_mse"]
    # Orthogonal greedy: each step projects onto a larger span.
    assert np.all(np.diff(train) <= 1e-12)
    # The last training error equals that of the re-solved network.
    np.testing.assert_allclose(
        train[-1], np.mean((model.predict(X) - y) ** 2), rtol=1e-3
    )
    np.testing.assert_allclose(
        curve["validation_mse"][-1],
        np.mean((model.predict(X_val) - y_val) ** 2),
        rtol=1e-3,
    )
    # At least the O(1/n) rate of squared error (Barron, Siegel & Xu).
    slope = np.polyfit(np.log(curve["n_neurons"][3:]), np.log(train[3:]), 1)[0]
    assert slope < -1.0


def test_relaxed_greedy_is_convex_update():
    X, y = sine(300)
    model = ShallowUniversalApproximator(
        12, method="greedy", greedy="relaxed", random_state=0
    ).fit(X, y)
    train = model.approximation_curve_["train_mse"]
    assert np.all(np.diff(train) <= 1e-12)  # (alpha, beta) = (0, 0) is allowed
    np.testing.assert_allclose(train[-1], np.mean((model.predict(X) - y) ** 2))
    orth = ShallowUniversalApproximator(12, method="greedy", random_state=0).fit(X, y)
    # Re-solving all weights is at least as good as the relaxed update.
    assert orth.approximation_curve_["train_mse"][-1] <= train[-1] * 1.01


def test_backprop_improves_on_its_start():
    X, y = gaussian_bump(400, d=3)
    start = ShallowUniversalApproximator(8, method="random", random_state=0).fit(X, y)
    trained = ShallowUniversalApproximator(8, random_state=0).fit(X, y)
    assert trained.n_iter_ > 0 and trained.loss_curve_
    mse = [np.mean((m.predict(X) - y) ** 2) for m in (start, trained)]
    assert mse[1] < 0.5 * mse[0]
    greedy_start = ShallowUniversalApproximator(8, init="greedy", random_state=0)
    assert np.mean((greedy_start.fit(X, y).predict(X) - y) ** 2) < mse[0]


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_stochastic_solvers(solver):
    X, y = gaussian_bump(300, d=2)
    model = ShallowUniversalApproximator(
        8, solver=solver, max_iter=20, learning_rate_init=1e-3, random_state=0
    ).fit(X, y)
    assert model.n_iter_ == 20
    np.testing.assert_allclose(_manual(model, X), model.predict(X), atol=1e-10)


def test_sample_weight_equals_repetition():
    X, y = sine(100)
    w = np.random.RandomState(0).randint(0, 3, size=100)
    for method in ("random", "greedy"):
        est = ShallowUniversalApproximator(8, method=method, random_state=0)
        a = clone(est).fit(X, y, sample_weight=w)
        b = clone(est).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
        np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-6, atol=1e-8)


def test_pipeline_grid_search_and_pickle():
    X, y = gaussian_bump(240, d=2)
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), ShallowUniversalApproximator(random_state=0)),
        {
            "shallowuniversalapproximator__n_neurons": [4, 16],
            "shallowuniversalapproximator__activation": ["tanh", "relu"],
            "shallowuniversalapproximator__method": ["random", "greedy", "backprop"],
        },
        cv=3,
    ).fit(X, y)
    assert grid.best_params_["shallowuniversalapproximator__n_neurons"] == 16
    assert grid.best_score_ > 0.95
    restored = pickle.loads(pickle.dumps(grid.best_estimator_))
    np.testing.assert_array_equal(restored.predict(X), grid.predict(X))


def test_plugin_activation():
    class Softsign(ElementwiseActivation):
        def forward(self, z):
            return z / (1 + np.abs(z))

        def derivative(self, z):
            return 1 / (1 + np.abs(z)) ** 2

    X, y = sine(200)
    for method in METHODS:
        model = ShallowUniversalApproximator(
            12, activation=Softsign(), method=method, max_iter=30, random_state=0
        ).fit(X, y)
        H = model.activation_.forward(X @ model.hidden_weights_.T + model.hidden_bias_)
        np.testing.assert_allclose(
            H @ model.output_weights_ + model.output_bias_, model.predict(X)
        )


BAD = [
    ({"n_neurons": 0}, None, "'n_neurons' parameter"),
    ({"method": "lasso"}, None, "'method' parameter"),
    (
        {"activation": "reluu"},
        None,
        r"'activation' parameter .* registered activation name among \[.*Got 'reluu'",
    ),
    (
        {"solver": "adamw"},
        None,
        r"'solver' parameter .* registered optimizer name among \[.*Got 'adamw'",
    ),
    (
        {"method": "greedy", "activation": "identity"},
        None,
        "is a polynomial.*Use a non-polynomial activation",
    ),
    ({"activation": "softmax"}, None, "not elementwise.*Use an elementwise"),
    ({"activation": "maxout"}, None, "elementwise activation"),
    ({}, "nan_y", "contains NaN or infinity. Remove those samples"),
    ({}, "nan_X", "Input X contains NaN"),
    ({}, "zero_weights", "at least one non-zero"),
    ({}, "wrong_features", "X has 3 features"),
]


@pytest.mark.parametrize("params, data, match", BAD)
def test_bad_input_raises_and_keeps_fit(params, data, match):
    X, y = gaussian_bump(60, d=2)
    fitted = ShallowUniversalApproximator(6, method="random", random_state=0).fit(X, y)
    before = fitted.predict(X)
    state = pickle.dumps(fitted)
    kwargs = {}
    if data == "nan_y":
        y = y.copy()
        y[5] = np.nan
    elif data == "nan_X":
        X = X.copy()
        X[2, 1] = np.nan
    elif data == "zero_weights":
        kwargs["sample_weight"] = np.zeros(len(y))
    elif data == "wrong_features":
        X = np.column_stack([X, X[:, 0]])
        fitted.fit(X, y)  # refits with 3 features: a refit is allowed
        fitted = ShallowUniversalApproximator(6, method="random", random_state=0)
        fitted.fit(X[:, :2], y)
        with pytest.raises(ValueError, match=match):
            fitted.predict(X)
        return
    with pytest.raises(ValueError, match=match):
        fitted.set_params(**params).fit(X, y, **kwargs)
    fitted.set_params(
        n_neurons=6, method="random", activation="sigmoid", solver="lbfgs"
    )
    np.testing.assert_array_equal(fitted.predict(gaussian_bump(60, d=2)[0]), before)
    assert pickle.dumps(fitted) == state


def test_greedy_stops_when_dictionary_is_exhausted():
    X = np.array([[0.0], [1.0], [2.0]])
    y = np.array([0.0, 1.0, 0.0])
    model = ShallowUniversalApproximator(10, method="greedy", random_state=0).fit(X, y)
    # Three samples: the centred span has dimension 2.
    assert model.n_neurons_ <= 2
    np.testing.assert_allclose(model.predict(X), y, atol=1e-6)


def test_gcv_ridge_solves_the_chosen_ridge_and_adapts_to_noise():
    from sklearn_mathdl.neural_network._random_features import (
        gcv_ridge,
        weighted_ridge,
    )

    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (300, 1))
    H = np.tanh(X @ rng.normal(0, 3, (1, 40)) + rng.uniform(-2, 2, 40))
    w = np.full(300, 1 / 300)
    clean = np.sin(3 * X)
    noisy = clean + rng.normal(0, 0.5, clean.shape)
    A, a0, lam_noisy = gcv_ridge(H, noisy, w, 0.0, 300)
    A_ref, a0_ref = weighted_ridge(H, noisy, w, lam_noisy)
    np.testing.assert_allclose(H @ A + a0, H @ A_ref + a0_ref, atol=1e-8)
    _, _, lam_clean = gcv_ridge(H, clean, w, 0.0, 300)
    # Noise calls for a penalty orders of magnitude larger than a smooth target.
    assert lam_noisy > 1e3 * lam_clean
    # Selected on the training data, it beats the fixed tiny penalty out of sample.
    X_test = rng.uniform(-1, 1, (300, 1))
    model = ShallowUniversalApproximator(40, method="random", random_state=0)
    y_noisy = np.sin(3 * X[:, 0]) + rng.normal(0, 0.5, 300)
    errors = {
        sel: np.mean(
            (
                clone(model)
                .set_params(ridge_selection=sel, alpha=alpha)
                .fit(X, y_noisy)
                .predict(X_test)
                - np.sin(3 * X_test[:, 0])
            )
            ** 2
        )
        for sel, alpha in (("gcv", 1e-5), ("fixed", 1e-5))
    }
    assert errors["gcv"] < errors["fixed"]


# ---------------------------------------------------------------- sparse X
def _sparse_data(n=300, d=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X[np.abs(X) < 0.7] = 0.0  # about half the entries are zero
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]
    return X, y, rng.uniform(0.5, 2.0, n)


@pytest.mark.parametrize(
    "params",
    [
        {"method": "random"},
        {"method": "random", "ridge_selection": "gcv"},
        {"method": "greedy", "refine_steps": 0},
        {"method": "greedy", "refine_steps": 3},
        {"method": "greedy", "greedy": "relaxed", "refine_steps": 0},
    ],
)
@pytest.mark.parametrize("container", [sparse.csr_matrix, sparse.csc_array])
def test_sparse_input_gives_the_dense_fit(params, container):
    """Random features and greedy use X only through the affine map X @ W:
    sparse and dense input give the same network."""
    X, y, w = _sparse_data()
    dense = ShallowUniversalApproximator(n_neurons=15, random_state=0, **params)
    on_sparse = clone(dense).fit(container(X), y, sample_weight=w)
    dense.fit(X, y, sample_weight=w)
    np.testing.assert_allclose(
        on_sparse.hidden_weights_, dense.hidden_weights_, rtol=1e-7, atol=1e-9
    )
    np.testing.assert_allclose(
        on_sparse.predict(container(X)), dense.predict(X), rtol=1e-7, atol=1e-8
    )
    np.testing.assert_allclose(on_sparse.predict(X), dense.predict(X), atol=1e-8)


@pytest.mark.parametrize("init", ["random", "greedy"])
def test_sparse_input_trains_by_backprop(init):
    """Backpropagation trains on X/s with the centring moved into the biases:
    another parametrisation of the same network, so a different path to a fit
    as good as the dense one."""
    X, y, w = _sparse_data()
    params = dict(method="backprop", init=init, n_neurons=15, max_iter=150)
    dense = ShallowUniversalApproximator(random_state=0, **params).fit(X, y)
    on_sparse = ShallowUniversalApproximator(random_state=0, **params).fit(
        sparse.csr_matrix(X), y
    )
    assert on_sparse.n_iter_ > 0
    assert on_sparse.score(sparse.csr_matrix(X), y) > 0.95
    assert on_sparse.score(X, y) > dense.score(X, y) - 0.02


def test_centred_sparse_operator_is_the_centred_matrix():
    X, _, w = _sparse_data(n=50, d=4)
    mean, scale = X.mean(axis=0), X.std(axis=0) + 0.5
    D = standardise(sparse.csr_matrix(X), mean, scale)
    dense = (X - mean) / scale
    V = np.random.default_rng(1).normal(size=(4, 3))
    C = np.random.default_rng(2).normal(size=(50, 2))
    np.testing.assert_allclose(D @ V, dense @ V, atol=1e-12)
    np.testing.assert_allclose(D @ V[:, 0], dense @ V[:, 0], atol=1e-12)
    np.testing.assert_allclose(D.T @ C, dense.T @ C, atol=1e-12)
    np.testing.assert_allclose(D.T @ C[:, 0], dense.T @ C[:, 0], atol=1e-12)
    np.testing.assert_allclose(second_moment(D, w), second_moment(dense, w), atol=1e-10)


def test_sparse_tag_is_set():
    assert ShallowUniversalApproximator().__sklearn_tags__().input_tags.sparse
