"""The analytic gradient of a Kolmogorov–Arnold network equals central finite
differences, for every parameter kind (spline coefficients, base weights,
spline scales, biases), with the L2, L1 and entropy penalties, every built-in
smooth base function, and sample weights."""

import numpy as np
import pytest

from sklearn_mathdl.kolmogorov_arnold._bspline import bspline_basis, uniform_knots
from sklearn_mathdl.kolmogorov_arnold._kan_network import KANNetwork
from sklearn_mathdl.kolmogorov_arnold._objective import KANObjective
from sklearn_mathdl.plugins import get_activation, get_loss


def _network(base="silu", sizes=(3, 4, 2, 2), n_intervals=4, degree=3, seed=0):
    rng = np.random.RandomState(seed)
    net = KANNetwork(list(sizes), get_activation(base), n_intervals, degree)
    net.initialize(rng, noise=1.0)
    net.params += rng.normal(scale=0.3, size=net.params.shape)
    for layer in range(1, net.n_layers):  # hidden inputs inside their grid
        net.half_widths[layer][...] = 50.0
    return net, rng


def _numerical_gradient(objective, net, X, Y, sw, eps=1e-6):
    grad = np.empty_like(net.params)
    for i in range(net.params.size):
        saved = net.params[i]
        net.params[i] = saved + eps
        up = objective(net, X, Y, sw)
        net.params[i] = saved - eps
        down = objective(net, X, Y, sw)
        net.params[i] = saved
        grad[i] = (up - down) / (2 * eps)
    return grad


PARAMETER_KINDS = ["coefs", "base_weights", "spline_scales", "biases"]


@pytest.mark.parametrize("base", ["silu", "tanh", "identity", "softplus"])
@pytest.mark.parametrize(
    "alpha, l1, entropy", [(0.0, 0.0, 0.0), (0.3, 0.0, 0.0), (0.1, 0.05, 0.2)]
)
def test_gradient_equals_central_differences(base, alpha, l1, entropy):
    net, rng = _network(base)
    X = rng.uniform(-0.9, 0.9, (7, 3))
    Y = rng.normal(size=(7, 2))
    sw = rng.uniform(0.5, 2.0, 7)
    objective = KANObjective(get_loss("squared_error"), alpha, l1, entropy)
    objective(net, X, Y, sw)
    analytic = net.grad.copy()
    numerical = _numerical_gradient(objective, net, X, Y, sw)
    # Every kind is checked: a mistake in one would show in its views.
    views = net._unpack(np.arange(net.params.size))
    for kind in PARAMETER_KINDS:
        index = np.concatenate([v.ravel() for v in views[kind]])
        np.testing.assert_allclose(
            analytic[index], numerical[index], rtol=1e-5, atol=1e-7, err_msg=kind
        )


def test_basis_matches_scipy_and_sums_to_one():
    from scipy.interpolate import BSpline

    for n_intervals, degree in [(5, 3), (3, 1), (7, 2), (1, 3)]:
        x = np.linspace(-1, 1, 101)
        reference = BSpline.design_matrix(x, uniform_knots(n_intervals, degree), degree)
        basis = bspline_basis(x, n_intervals, degree)
        np.testing.assert_allclose(basis, reference.toarray(), atol=1e-13)
        np.testing.assert_allclose(basis.sum(axis=1), 1.0, atol=1e-13)


def test_basis_derivative_equals_central_differences():
    x, eps = np.linspace(-0.99, 0.99, 77), 1e-6
    for n_intervals, degree in [(5, 3), (3, 1), (7, 2)]:
        numerical = (
            bspline_basis(x + eps, n_intervals, degree)
            - bspline_basis(x - eps, n_intervals, degree)
        ) / (2 * eps)
        _, slope = bspline_basis(x, n_intervals, degree, derivative=True)
        np.testing.assert_allclose(slope, numerical, atol=1e-7)
