"""The Kolmogorov–Arnold representation, recovered: an additive target by one
layer (Phi the identity), and the KAN paper's toy example exp(sin(pi x) + y^2)
by a [2, 1, 1] network, whose inner functions are recognisably sin and square."""

import numpy as np

from sklearn_mathdl import KolmogorovArnoldRegressor


def _mse(model, X, y):
    return float(np.mean((model.predict(X) - y) ** 2))


def _correlation(a, b):
    return abs(float(np.corrcoef(a, b)[0, 1]))


def test_additive_target_is_recovered_by_one_layer():
    rng = np.random.RandomState(0)
    X, X_test = rng.uniform(-1, 1, (500, 3)), rng.uniform(-1, 1, (500, 3))
    target = lambda X: np.sin(np.pi * X).sum(axis=1)  # noqa: E731
    model = KolmogorovArnoldRegressor(
        widths=(), n_knots=11, alpha=0.0, random_state=0
    ).fit(X, target(X))
    assert _mse(model, X_test, target(X_test)) < 1e-4
    [(inputs, values)] = model.univariate_functions()
    for p in range(3):
        learned = values[:, p, 0]
        true = np.sin(np.pi * inputs[:, p])
        inside = np.abs(inputs[:, p]) <= 1  # the grid range has a 5% margin
        # Equal up to a constant: the bias collects the constants.
        offset = np.mean(learned[inside] - true[inside])
        np.testing.assert_allclose(learned[inside] - offset, true[inside], atol=0.02)


def test_kan_paper_toy_example():
    rng = np.random.RandomState(0)
    X, X_test = rng.uniform(-1, 1, (1000, 2)), rng.uniform(-1, 1, (1000, 2))
    target = lambda X: np.exp(np.sin(np.pi * X[:, 0]) + X[:, 1] ** 2)  # noqa: E731
    model = KolmogorovArnoldRegressor(
        widths=(1,), n_knots=(6, 11, 21), alpha=0.0, random_state=0
    ).fit(X, target(X))
    assert _mse(model, X_test, target(X_test)) < 1e-4
    (inputs, inner), (hidden, outer) = model.univariate_functions()
    assert _correlation(inner[:, 0, 0], np.sin(np.pi * inputs[:, 0])) > 0.99
    assert _correlation(inner[:, 1, 0], inputs[:, 1] ** 2) > 0.99
    # The outer function plus its bias is exp of an affine map of its input.
    bias = model.network_.biases[-1][0]
    assert _correlation(np.log(outer[:, 0, 0] + bias), hidden[:, 0]) > 0.99
