"""Depth as acceleration (Arora, Cohen & Hazan 2018) and the lp loss."""

import numpy as np
import pytest
from sklearn.datasets import load_iris

from sklearn_mathdl import MLPRegressor
from sklearn_mathdl.neural_network.regression_losses import LpLoss, SquaredError
from sklearn_mathdl.theory import (
    end_to_end_update,
    fastest_lp_descent,
    lp_descent,
    lp_regression_optimum,
)
from sklearn_mathdl.utils import check_loss


@pytest.mark.parametrize("p", [1.5, 2.0, 3.0, 4.0])
def test_lp_loss_passes_check_loss(p):
    check_loss(LpLoss(p=p))


def test_lp_loss_registered_and_p2_is_squared_error():
    check_loss("lp")
    rng = np.random.default_rng(0)
    y, o = rng.standard_normal((2, 7, 3))
    v2, g2 = LpLoss(p=2).value_and_gradient(y, o)
    vs, gs = SquaredError().value_and_gradient(y, o)
    assert v2 == pytest.approx(vs)
    np.testing.assert_allclose(g2, gs)
    value = LpLoss(p=4).value(y, o)
    assert value == pytest.approx(np.mean(np.sum((o - y) ** 4, axis=1) / 12))


def test_mlp_regressor_accepts_the_lp_loss():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 2))
    y = X @ np.array([1.0, -2.0])
    net = MLPRegressor(
        LpLoss(p=4), hidden_layer_sizes=(), solver="lbfgs", random_state=0
    ).fit(X, y)
    assert net.score(X, y) > 0.999


def _problem(rng, n=40, d=4):
    X = rng.standard_normal((n, d))
    y = X @ rng.standard_normal(d) + 0.3 * rng.standard_normal(n)
    return X, y


def _lp_gradient(X, y, w, p):
    r = X @ w - y
    return X.T @ (np.abs(r) ** (p - 1) * np.sign(r)) / len(y)


def test_one_step_on_balanced_factors_is_the_end_to_end_update():
    # Theorem 1 of Arora et al.: W1 = a b^T, w2 = |a| b with |b| = 1 is
    # balanced (W1^T W1 = w2 w2^T); one step of size eta moves w = W1 w2 by
    # -eta |w| (g + P_w g) + O(eta^2).
    rng = np.random.default_rng(0)
    X, y = _problem(rng)
    a = rng.standard_normal(4)
    b = rng.standard_normal(3)
    b /= np.linalg.norm(b)
    W1, w2 = np.outer(a, b), np.linalg.norm(a) * b
    w = W1 @ w2
    g = _lp_gradient(X, y, w, 4)
    eta = 1e-6
    moved = (W1 - eta * np.outer(g, w2)) @ (w2 - eta * W1.T @ g)
    predicted = -eta * end_to_end_update(w, g, depth=2)
    np.testing.assert_allclose(moved - w, predicted, rtol=1e-4)
    # ... and not the plain gradient step (the update is not -eta g).
    assert np.linalg.norm((moved - w) + eta * g) > 0.1 * eta * np.linalg.norm(g)


def test_lp_descent_depth2_follows_the_factor_gradients():
    # lp_descent's depth-2 run equals the explicit factor updates.
    rng = np.random.default_rng(1)
    X, y = _problem(rng, d=3)
    losses, coef = lp_descent(
        X, y, depth=2, p=4, learning_rate=0.05, n_iter=3, random_state=5
    )
    state = np.random.RandomState(5)
    W1 = state.normal(0.0, 0.1, size=(3, 3))
    w2 = state.normal(0.0, 0.1, size=3)
    for _ in range(3):
        g = _lp_gradient(X, y, W1 @ w2, 4)
        W1, w2 = W1 - 0.05 * np.outer(g, w2), w2 - 0.05 * W1.T @ g
    np.testing.assert_allclose(coef, W1 @ w2, rtol=1e-12)
    r = X @ coef - y
    assert losses[-1] == pytest.approx(np.mean(r**4) / 4)


def test_end_to_end_update_is_not_a_gradient_field():
    # Theorem 2 of Arora et al.: F(w) = P_w grad L(w) has a non-symmetric
    # Jacobian (a curl), so no function -- no regularised loss -- has it as
    # gradient; the depth-1 field, grad L, has the symmetric Hessian.
    rng = np.random.default_rng(2)
    X, y = _problem(rng, d=3)
    w0 = rng.standard_normal(3)

    def jacobian(depth):
        def field(w):
            return end_to_end_update(w, _lp_gradient(X, y, w, 4), depth=depth)

        eps = 1e-6
        return np.array(
            [(field(w0 + eps * e) - field(w0 - eps * e)) / (2 * eps) for e in np.eye(3)]
        ).T

    for depth, asymmetric in ((1, False), (2, True), (3, True)):
        J = jacobian(depth)
        curl = np.linalg.norm(J - J.T) / np.linalg.norm(J)
        assert (curl > 0.05) if asymmetric else (curl < 1e-6), (depth, curl)


def _iris_regression():
    data = load_iris().data
    X, y = data[:, :3], data[:, 3]  # petal width from the other three
    return (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()


def _steps_to(X, y, p, tol, seed):
    """Steps of the linear and the depth-2 model to reach (1 + tol) L*, each at
    its best step size from the same grid; 601 when 600 steps do not suffice."""
    optimum, _ = lp_regression_optimum(X, y, p)
    steps = []
    for depth in (1, 2):
        n_steps, _, _ = fastest_lp_descent(
            X,
            y,
            depth=depth,
            p=p,
            target=optimum * (1 + tol),
            learning_rates=2.0 ** np.arange(-4, 1.01, 0.5),
            n_iter=600,
            random_state=seed,
        )
        steps.append(601 if n_steps is None else n_steps)
    return steps


@pytest.mark.parametrize("tol, l4_bound", [(1e-3, 0.6), (1e-6, 0.75)])
def test_depth_accelerates_l4_but_not_l2(tol, l4_bound):
    # Measured on seeds 0, 1, 2 (linear, depth-2 steps):
    # tol 1e-3: l4 (459, 110), (454, 178), (453, 231): ratio 0.24-0.51;
    #           l2 (70, 80), (70, 78), (70, 81): ratio 1.11-1.16.
    # tol 1e-6: l4 (>600, 206), (>600, 313), (>600, 416): ratio < 0.70;
    #           l2 (137, 129), (137, 127), (137, 130): ratio 0.93-0.95.
    # Over seeds 0-9 the l4 ratio at 1e-3 spans 0.24-0.51, the l2 one 1.03-1.16.
    X, y = _iris_regression()
    for seed in (0, 1, 2):
        lin, deep = _steps_to(X, y, 4, tol, seed)
        assert deep < l4_bound * lin and deep <= 600, ("l4", tol, seed, lin, deep)
        lin, deep = _steps_to(X, y, 2, tol, seed)
        assert 0.8 * lin < deep < 1.25 * lin, ("l2", tol, seed, lin, deep)


def test_lp_regression_optimum_is_stationary():
    X, y = _iris_regression()
    value, coef = lp_regression_optimum(X, y, 4)
    assert np.linalg.norm(_lp_gradient(X, y, coef, 4)) < 1e-8
    assert value == pytest.approx(np.mean((X @ coef - y) ** 4) / 4)


def test_diverging_run_reports_inf():
    X, y = _iris_regression()
    losses, _ = lp_descent(
        X, y, depth=1, p=4, learning_rate=50.0, n_iter=50, random_state=0
    )
    assert np.isinf(losses[-1]) and np.isfinite(losses[0])


def test_bad_input():
    X, y = _iris_regression()
    with pytest.raises(ValueError, match="p > 1"):
        lp_descent(X, y, p=1.0)
    with pytest.raises(ValueError, match="p > 1"):
        check_loss(LpLoss(p=0.5))
    with pytest.raises(ValueError, match="depth must be 1"):
        lp_descent(X, y, depth=3)
    with pytest.raises(ValueError, match="learning_rate must be"):
        lp_descent(X, y, learning_rate=-1.0)
    with pytest.raises(ValueError, match="w is zero"):
        end_to_end_update(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="same length"):
        end_to_end_update(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="learning_rates is empty"):
        fastest_lp_descent(X, y, depth=1, target=1.0, learning_rates=[])
