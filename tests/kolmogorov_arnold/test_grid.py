"""Grid extension and grid updates keep the network's function (Liu et al.
2024, §2.5): the new coefficients are fitted by least squares to the old edge
functions."""

import numpy as np
import pytest

from sklearn_mathdl.kolmogorov_arnold._grid import data_range, layer_inputs, regrid
from sklearn_mathdl.kolmogorov_arnold._kan_network import KANNetwork
from sklearn_mathdl.plugins import get_activation


def _network(n_intervals=4, seed=0):
    rng = np.random.RandomState(seed)
    net = KANNetwork([2, 3, 1], get_activation("silu"), n_intervals, 3)
    net.initialize(rng, noise=1.0)
    X = rng.uniform(-1, 1, (400, 2))
    hidden = layer_inputs(net, X)[1]
    net.centers[1], net.half_widths[1] = data_range(hidden)
    return net, X


@pytest.mark.parametrize("finer", [8, 12])
def test_extension_to_a_refined_grid_is_exact(finer):
    # 4 -> 8 or 12 intervals: the coarse knots are among the fine ones, so the
    # fine splines contain the coarse ones and least squares recovers them.
    net, X = _network()
    before = net.forward(X)
    regrid(net, X, finer)
    assert net.n_intervals == finer
    np.testing.assert_allclose(net.forward(X), before, atol=1e-9)


def test_extension_to_a_non_nested_grid_is_close():
    net, X = _network()
    before = net.forward(X)
    regrid(net, X, 7)  # random, wiggly coarse splines: close, not exact
    rms = np.sqrt(np.mean((net.forward(X) - before) ** 2))
    assert rms < 0.05 * np.std(before)


def test_a_grid_update_follows_the_hidden_inputs_and_keeps_the_function():
    net, X = _network()
    net.half_widths[1] *= 3.0  # a stale grid, three times too wide
    before = net.forward(X)
    regrid(net, X, None, layers=[1])
    hidden = layer_inputs(net, X)[1]
    low = net.centers[1] - net.half_widths[1]
    high = net.centers[1] + net.half_widths[1]
    assert (low <= hidden.min(axis=0)).all() and (high >= hidden.max(axis=0)).all()
    assert (high - low < 2 * (hidden.max(axis=0) - hidden.min(axis=0))).all()
    rms = np.sqrt(np.mean((net.forward(X) - before) ** 2))
    assert rms < 0.05 * np.std(before)


def test_zero_weight_samples_do_not_move_the_grid():
    net, X = _network()
    X_far = np.vstack([X, [[50.0, -50.0]]])
    weights = np.r_[np.ones(len(X)), 0.0]
    centers, halves = data_range(X_far, weights)
    np.testing.assert_allclose(halves, data_range(X)[1])
    np.testing.assert_allclose(centers, data_range(X)[0])
