"""The spherical p-spin glass and the spread of network losses over restarts."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from sklearn_mathdl import MLPClassifier, MLPRegressor
from sklearn_mathdl.theory import (
    restart_losses,
    spin_glass_hamiltonian,
    spin_glass_minima,
    spin_glass_threshold,
)


def _on_sphere(rng, n_points, N):
    sigma = rng.standard_normal((n_points, N))
    return sigma * np.sqrt(N) / np.linalg.norm(sigma, axis=1, keepdims=True)


@pytest.mark.parametrize("p", [2, 3, 4])
def test_energy_is_the_defining_sum(p):
    # H = N^{-(p-1)/2} sum J_{i1..ip} s_i1 ... s_ip with the raw, unsymmetric J.
    rng = np.random.default_rng(p)
    N = 5
    J = rng.standard_normal((N,) * p)
    sigma = _on_sphere(rng, 1, N)[0]
    expected = J
    for _ in range(p):
        expected = expected @ sigma
    energy, _ = spin_glass_hamiltonian(J, sigma)
    assert energy == pytest.approx(N ** (-(p - 1) / 2) * expected, rel=1e-12)


@pytest.mark.parametrize("p", [2, 3, 4])
def test_sphere_gradient_against_finite_differences(p):
    # The gradient on the sphere is the Euclidean gradient of H(sqrt(N) s / |s|)
    # at |s| = sqrt(N): the normalisation's derivative there is I - s s^T / N.
    rng = np.random.default_rng(10 + p)
    N = 6
    J = rng.standard_normal((N,) * p)
    sigma = _on_sphere(rng, 1, N)[0]

    def energy(s):
        return spin_glass_hamiltonian(J, np.sqrt(N) * s / np.linalg.norm(s))[0]

    eps = 1e-6
    numeric = np.array(
        [
            (energy(sigma + eps * e) - energy(sigma - eps * e)) / (2 * eps)
            for e in np.eye(N)
        ]
    )
    _, gradient = spin_glass_hamiltonian(J, sigma)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-8)
    assert abs(gradient @ sigma) < 1e-10  # tangent to the sphere


def test_batched_points_match_single_points():
    rng = np.random.default_rng(0)
    J = rng.standard_normal((4, 4, 4))
    sigma = _on_sphere(rng, 3, 4)
    energies, gradients = spin_glass_hamiltonian(J, sigma)
    for s, e, g in zip(sigma, energies, gradients):
        e1, g1 = spin_glass_hamiltonian(J, s)
        assert e1 == pytest.approx(e)
        np.testing.assert_allclose(g1, g)


def test_threshold_values():
    assert spin_glass_threshold(3) == pytest.approx(-2 * np.sqrt(2 / 3))
    assert spin_glass_threshold(2) == pytest.approx(-np.sqrt(2))


def test_minima_concentrate_near_the_threshold():
    # Measured (seed 0, 30 starts): std 0.134 at N = 15, 0.0574 at N = 60
    # (ratio 2.3); means -1.322 and -1.529, the latter 6.4% above
    # -E_inf = -1.633 (the finite-N minima sit above the threshold and
    # approach it as N grows: 19% at N = 15, 10% at 40, 5-6% at 80).
    small = spin_glass_minima(15, 3, n_starts=30, random_state=0)
    large = spin_glass_minima(60, 3, n_starts=30, random_state=0)
    threshold = spin_glass_threshold(3)
    assert small.std() > 1.5 * large.std()
    assert abs(large.mean() - threshold) < 0.08 * abs(threshold)
    assert abs(large.mean() - threshold) < 0.6 * abs(small.mean() - threshold)
    # Local minima of H/N lie above the ground state, about -1.657.
    assert large.min() > -1.72


def test_minima_are_critical_points():
    # Every start reaches |grad H| / sqrt(N) < 1e-7: no ConvergenceWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        energies = spin_glass_minima(12, 3, n_starts=4, random_state=1, tol=1e-7)
    assert np.all(np.isfinite(energies))
    with pytest.warns(ConvergenceWarning, match="did not reach tol"):
        spin_glass_minima(12, 3, n_starts=4, random_state=1, max_iter=2)


def test_restart_loss_spread_shrinks_with_width():
    # Measured: test log-loss std 0.255 at width 4, 0.0113 at width 64 (22x).
    X, y = load_digits(return_X_y=True)
    X = X / 16
    spreads = {}
    for width in (4, 64):
        net = MLPClassifier((width,), max_iter=100, learning_rate_init=1e-2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            losses = restart_losses(
                net, X[:400], y[:400], X[1200:], y[1200:], n_starts=6, random_state=0
            )
        assert losses.shape == (6,) and np.all(losses > 0)
        spreads[width] = losses.std()
    assert spreads[64] < spreads[4] / 5


def test_restart_losses_regressor_uses_its_loss():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 2))
    y = X[:, 0] - X[:, 1]
    net = MLPRegressor(hidden_layer_sizes=(), solver="lbfgs", max_iter=200)
    losses = restart_losses(net, X, y, X, y, n_starts=2, random_state=0)
    assert np.all(losses < 1e-6)  # the linear model fits exactly


def test_bad_input():
    with pytest.raises(ValueError, match="p must be an integer >= 2"):
        spin_glass_minima(10, 1)
    with pytest.raises(ValueError, match="p must be an integer >= 2"):
        spin_glass_threshold(1.5)
    with pytest.raises(ValueError, match="J must have p >= 2 axes"):
        spin_glass_hamiltonian(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="equal axes"):
        spin_glass_hamiltonian(np.ones((3, 4)), np.ones(3))
    with pytest.raises(ValueError, match="rescale it"):
        spin_glass_hamiltonian(np.ones((3, 3)), np.ones(3) * 2)
    with pytest.raises(ValueError, match="shape"):
        spin_glass_hamiltonian(np.ones((3, 3)), np.ones(4))
    with pytest.raises(ValueError, match="smaller N or p"):
        spin_glass_minima(1000, 3)
    with pytest.raises(ValueError, match="N must be an integer"):
        spin_glass_minima(0, 3)
    with pytest.raises(TypeError, match="MLPClassifier or MLPRegressor"):
        restart_losses(LogisticRegression(), np.ones((4, 2)), [0, 1, 0, 1], None, None)
