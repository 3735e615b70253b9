"""sklearn_mathdl.theory: Barron's constant, Telgarsky's sawtooth, linear regions."""

import warnings

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import gamma
from sklearn.neural_network import MLPRegressor as SklearnMLP

from sklearn_mathdl import ShallowUniversalApproximator, theory
from sklearn_mathdl.neural_network import DenseNetwork
from sklearn_mathdl.plugins import get_activation
from sklearn_mathdl.theory import (
    barron_bound,
    count_linear_regions,
    gaussian_barron_constant,
    linear_pieces,
    linear_region_bounds,
    radial_barron_constant,
    telgarsky_sawtooth,
)


def test_barron_bound():
    assert barron_bound(2.0, 0.5, 8) == pytest.approx(0.5)
    np.testing.assert_allclose(barron_bound(1.0, 1.0, [1, 4, 16]), [4, 1, 0.25])
    with pytest.raises(ValueError, match="n must hold"):
        barron_bound(1.0, 1.0, 0)
    with pytest.raises(ValueError, match="C_f must be"):
        barron_bound(-1.0, 1.0, 3)


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
def test_gaussian_barron_constant_against_quadrature(d):
    # f(x) = exp(-|x|^2/2) = \int e^{i w.x} f~(w) dw with f~ the N(0, I_d) density.
    def f_hat(rho):
        return (2 * np.pi) ** (-d / 2) * np.exp(-(rho**2) / 2)

    sphere = 2 * np.pi ** (d / 2) / gamma(d / 2)
    by_quad = sphere * quad(lambda r: r * f_hat(r) * r ** (d - 1), 0, np.inf)[0]
    closed = gaussian_barron_constant(d)
    assert closed == pytest.approx(np.sqrt(2) * gamma((d + 1) / 2) / gamma(d / 2))
    assert closed == pytest.approx(by_quad, rel=1e-9)
    assert radial_barron_constant(f_hat, d) == pytest.approx(closed, rel=1e-9)


def test_gaussian_barron_constant_is_expected_norm():
    # C_f = E|Z|, Z ~ N(0, I_3): a Monte Carlo check of the convention.
    Z = np.random.RandomState(0).standard_normal((200_000, 3))
    assert np.linalg.norm(Z, axis=1).mean() == pytest.approx(
        gaussian_barron_constant(3), rel=5e-3
    )
    with pytest.raises(ValueError, match="d must be an integer"):
        gaussian_barron_constant(0)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 6, 8])
def test_sawtooth_is_the_iterated_tent_map(k):
    net = telgarsky_sawtooth(k)
    x = np.linspace(0, 1, 1001)

    def tent(t):
        return np.where(t <= 0.5, 2 * t, 2 * (1 - t))

    expected = x.copy()
    for _ in range(k):
        expected = tent(expected)
    np.testing.assert_allclose(net.predict(x[:, None]), expected, atol=1e-12)
    assert count_linear_regions(net, 0.0, 1.0) == 2**k
    # Telgarsky: thresholded at 1/2 it classifies x_i = i / 2^k without error.
    i = np.arange(2**k + 1)
    labels = i % 2
    assert np.array_equal((net.predict((i / 2**k)[:, None]) > 0.5).astype(int), labels)
    # Depth 2k, 3k units; the architecture's upper bound allows the count.
    widths = [2, 1] * k
    assert 2**k <= linear_region_bounds(widths)[1]


def test_sawtooth_outside_unit_interval_is_zero():
    net = telgarsky_sawtooth(3)
    np.testing.assert_array_equal(net.predict([[-1.0], [-0.1], [1.1], [3.0]]), 0.0)
    assert count_linear_regions(net, -1.0, 2.0) == 2**3 + 2


def test_linear_pieces_of_a_hand_built_network():
    # |x| - 2 relu(x - 1) on [-3, 3]: slopes -1, 1, -1 with breaks at 0 and 1.
    relu, ident = get_activation("relu"), get_activation("identity")
    net = DenseNetwork([1, 3, 1], [relu, ident], np.float64)
    net.coefs[0][...] = [[1.0, -1.0, 1.0]]
    net.intercepts[0][...] = [0.0, 0.0, -1.0]
    net.coefs[1][...] = [[1.0], [1.0], [-2.0]]
    t, s, c = linear_pieces(net, -3.0, 3.0)
    np.testing.assert_allclose(t, [-3, 0, 1, 3])
    np.testing.assert_allclose(s.ravel(), [-1, 1, -1])
    np.testing.assert_allclose(c.ravel(), [0, 0, 2])
    # Collinear neighbours are merged: relu(x) + relu(-x) - |x| ... here x = relu(x) - relu(-x).
    net.coefs[1][...] = [[1.0], [-1.0], [0.0]]
    assert count_linear_regions(net, -3.0, 3.0) == 1


def test_counts_match_dense_sampling():
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, (200, 1))
    y = np.sin(3 * X[:, 0])
    model = ShallowUniversalApproximator(
        12, activation="relu", method="random", random_state=0
    ).fit(X, y)
    t, s, c = linear_pieces(model, -2.0, 2.0)
    # Pieces reproduce predict everywhere.
    x = np.linspace(-2, 2, 4001)
    piece = np.clip(np.searchsorted(t, x, side="right") - 1, 0, len(s) - 1)
    np.testing.assert_allclose(
        s[piece, 0] * x + c[piece, 0], model.predict(x[:, None]), atol=1e-9
    )
    assert count_linear_regions(model, -2.0, 2.0) <= 12 + 1


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sklearn_mlp_and_errors():
    X = np.linspace(-1, 1, 50)[:, None]
    mlp = SklearnMLP(hidden_layer_sizes=(5, 4), max_iter=50, random_state=0)
    mlp.fit(X, np.abs(X[:, 0]))
    n = count_linear_regions(mlp, -1.0, 1.0)
    assert 1 <= n <= linear_region_bounds([5, 4])[1]
    with pytest.raises(ValueError, match="piecewise-linear"):
        count_linear_regions(
            SklearnMLP(hidden_layer_sizes=(3,), activation="tanh", max_iter=5).fit(
                X, X[:, 0]
            ),
            0.0,
            1.0,
        )
    two_inputs = ShallowUniversalApproximator(3, method="random", activation="relu")
    rng = np.random.RandomState(0)
    two_inputs.fit(rng.rand(20, 2), rng.rand(20))
    with pytest.raises(ValueError, match="one-input"):
        count_linear_regions(two_inputs, 0.0, 1.0)
    with pytest.raises(ValueError, match="low < high"):
        count_linear_regions(telgarsky_sawtooth(1), 1.0, 0.0)


def test_region_bounds():
    assert linear_region_bounds([7]) == (8, 8)
    # Montufar et al. 2014: floor(n/n0)^n0 per layer but the last.
    assert linear_region_bounds([4, 4], n_inputs=2) == (4 * 11, 11 * 11)
    # Narrower than the input: the network may read one input only (M_1).
    assert linear_region_bounds([1], n_inputs=2) == (2, 2)


@pytest.mark.parametrize("k", [3, 4])
def test_shallow_network_needs_exponentially_many_neurons(k):
    """Counting argument: n ReLUs give <= n + 1 pieces, each crossing 1/2 at most once.

    Labelling the 2^k + 1 points i / 2^k alternately needs 2^k crossings of 1/2,
    hence 2^k pieces and n >= 2^k - 1 neurons; the sawtooth does it with 3k.
    """
    x = (np.arange(2**k + 1) / 2**k)[:, None]
    labels = np.arange(2**k + 1) % 2
    for n in (2**k - 3, 2**k - 2):
        model = ShallowUniversalApproximator(
            n, activation="relu", max_iter=500, random_state=0
        ).fit(x, labels.astype(float))
        pieces = count_linear_regions(model, 0.0, 1.0)
        assert pieces <= n + 1 < 2**k
        errors = np.sum((model.predict(x) > 0.5) != labels)
        assert errors >= 1
        # The counting argument, made quantitative: each missing piece costs
        # at least one crossing of 1/2, so at least (2^k - pieces) / 2 errors.
        assert errors >= (2**k - pieces + 1) // 2
    # With enough neurons a shallow network can interpolate them.
    wide = ShallowUniversalApproximator(
        2**k + 8, activation="relu", method="greedy", random_state=0
    ).fit(x, labels.astype(float))
    assert np.array_equal((wide.predict(x) > 0.5).astype(int), labels)


def test_theory_is_importable_from_the_package():
    assert theory.telgarsky_sawtooth is telgarsky_sawtooth


@pytest.mark.parametrize("n", [2.5, 0, -3, True, "4", [1, 2.5], [], np.array([4.0])])
def test_barron_bound_refuses_non_integer_units(n):
    with pytest.raises(ValueError, match="n must hold positive integers"):
        barron_bound(1.0, 1.0, n)


def test_barron_bound_arguments():
    assert barron_bound(1.0, 2.0, np.int64(4)) == pytest.approx(4.0)
    for C_f, r in [(np.nan, 1.0), (-1.0, 1.0), ("1", 1.0)]:
        with pytest.raises(ValueError, match="C_f must be a number >= 0"):
            barron_bound(C_f, r, 3)
    for r in (np.inf, -0.5, np.nan, None):
        with pytest.raises(ValueError, match="r must be a finite number >= 0"):
            barron_bound(1.0, r, 3)
    # A divergent moment (radial_barron_constant's inf): no bound.
    assert barron_bound(np.inf, 1.0, 5) == np.inf
    np.testing.assert_array_equal(barron_bound(np.inf, 1.0, [1, 2]), [np.inf] * 2)


@pytest.mark.parametrize(
    "g, d",
    [
        # h = rho^3 / (1 + rho^2)^2 ~ 1/rho: scipy's quad alone gave 1815.4
        (lambda rho: 1 / (1 + rho**2) ** 2, 3),
        # exp(-|x|) in d = 1 and d = 2 (a kink at 0): h ~ 1/(pi rho)
        (lambda rho: 1 / (np.pi * (1 + rho**2)), 1),
        (lambda rho: 1 / (2 * np.pi) / (1 + rho**2) ** 1.5, 2),
        # the indicator of [-1, 1]: |sin rho| / (pi rho), h does not decay
        (lambda rho: abs(np.sin(rho)) / (np.pi * rho), 1),
        # integrable at infinity, not at 0: h = exp(-rho) / rho
        (lambda rho: np.exp(-rho) / rho**2, 1),
    ],
)
def test_radial_barron_constant_divergent_is_inf(g, d):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no IntegrationWarning reaches the user
        assert radial_barron_constant(g, d) == np.inf


def test_radial_barron_constant_slow_but_finite():
    # h = rho / (1 + rho)^2.2 ~ rho^-1.2: finite, B(2, 0.2) = G(2) G(0.2) / G(2.2).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = radial_barron_constant(lambda rho: (1 + rho) ** -2.2, 1)
    assert value == pytest.approx(2 * gamma(2) * gamma(0.2) / gamma(2.2), rel=1e-6)
    # Integrable singularity at 0: h = exp(-rho) rho^-1/2, Gamma(1/2) = sqrt(pi).
    assert radial_barron_constant(
        lambda rho: np.exp(-rho) / rho**1.5, 1
    ) == pytest.approx(2 * np.sqrt(np.pi), rel=1e-8)


def test_radial_barron_constant_errors():
    with pytest.raises(ValueError, match="d must be an integer >= 1, got 2.5"):
        radial_barron_constant(np.exp, 2.5)
    with pytest.raises(ValueError, match="f_hat must be a callable"):
        radial_barron_constant(1.0, 1)
    with pytest.raises(ValueError, match="f_hat returned nan"):
        radial_barron_constant(lambda rho: np.nan, 1)
    # Convergent but too oscillatory for quad: an error with the estimate, no
    # IntegrationWarning and no silently wrong number.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"converges but quadrature.*\+-"):
            radial_barron_constant(
                lambda rho: abs(np.sin(1000 * rho)) * np.exp(-rho) / (1 + rho), 1
            )


def test_region_bounds_at_least_one_and_ordered():
    # Widths below the input dimension: Montufar's count for one input.
    assert linear_region_bounds([2, 2], n_inputs=3) == (6, 16)
    for sizes in ([1], [1, 1], [2, 1, 3], [5, 5], [3, 7, 2]):
        for n0 in (1, 2, 3, 6):
            lower, upper = linear_region_bounds(sizes, n_inputs=n0)
            assert 2 <= lower <= upper, (sizes, n0)


def test_region_lower_bound_is_reached():
    """Random one-input networks of widths (2, 2) reach the lower bound."""
    relu, ident = get_activation("relu"), get_activation("identity")
    rng = np.random.RandomState(0)
    lower, upper = linear_region_bounds([2, 2])
    best = 0
    for _ in range(500):
        net = DenseNetwork([1, 2, 2, 1], [relu, relu, ident], np.float64)
        for array in (*net.coefs, *net.intercepts):
            array[...] = rng.standard_normal(array.shape)
        best = max(best, count_linear_regions(net, -20.0, 20.0))
    assert lower <= best <= upper


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: linear_region_bounds([2, 2.5]), "hidden_layer_sizes must be"),
        (lambda: linear_region_bounds([2, 0]), "hidden_layer_sizes must be"),
        (lambda: linear_region_bounds([True, 2]), "hidden_layer_sizes must be"),
        (lambda: linear_region_bounds([]), "hidden_layer_sizes must be"),
        (lambda: linear_region_bounds([2], n_inputs=1.5), "n_inputs must be"),
        (lambda: linear_region_bounds([2], n_inputs=0), "n_inputs must be"),
        (
            lambda: count_linear_regions(telgarsky_sawtooth(1), 0.0, 1.0, tol=-1),
            "tol must be",
        ),
        (lambda: count_linear_regions(telgarsky_sawtooth(1), 0.0, np.inf), "high"),
        (lambda: gaussian_barron_constant(2.0), "d must be an integer"),
        (lambda: telgarsky_sawtooth(2.5), "'k' parameter"),
    ],
)
def test_theory_argument_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
