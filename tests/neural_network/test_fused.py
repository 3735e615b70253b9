"""The compiled kernels compute their numpy formulas' numbers.

Each kernel runs on both paths from the same inputs: the updates (Adam, SGD)
must agree bit for bit, since both evaluate the same operations in the same
order; the row reductions (softmax log loss) to rounding, since numpy sums
pairwise and the loop sequentially.
"""

import numpy as np
import pytest

from sklearn_mathdl.neural_network import _fused
from sklearn_mathdl.utils._numba import numba_enabled, use_numba

pytest.importorskip("numba")

DTYPES = [np.float64, np.float32]


def _both(kernel, *arrays, **kwargs):
    """Run ``kernel`` on copies of ``arrays`` on each path: (compiled, numpy)."""
    results = []
    for enabled in (True, False):
        copies = [a.copy() for a in arrays]
        with use_numba(enabled):
            out = kernel(*copies, **kwargs)
        results.append((copies, out))
    return results


@pytest.mark.parametrize("dtype", DTYPES)
def test_adam_update_matches_numpy_bit_for_bit(dtype):
    rng = np.random.default_rng(0)
    p, g, M = (rng.normal(size=1001).astype(dtype) for _ in range(3))
    V = rng.random(1001).astype(dtype)
    scalars = (0.9, 0.999, 3e-7, 3e-3)
    (fast, _), (ref, _) = _both(
        lambda p, g, M, V: _fused.adam_update(p, g, M, V, *scalars, np.empty_like(p)),
        p,
        g,
        M,
        V,
    )
    for a, b in zip(fast, ref):
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(fast[0], p)  # the step moved the parameters


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_update_matches_numpy_bit_for_bit(dtype, nesterov):
    rng = np.random.default_rng(1)
    p, g, v = (rng.normal(size=777).astype(dtype) for _ in range(3))
    (fast, _), (ref, _) = _both(
        lambda p, g, v: _fused.sgd_update(p, g, v, 0.9, 0.05, nesterov), p, g, v
    )
    for a, b in zip(fast, ref):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_loss_rows_matches_numpy_and_the_definition(dtype):
    rng = np.random.default_rng(2)
    o = (30 * rng.normal(size=(64, 7))).astype(dtype)
    o[0] = [800, -800, 0, 1, 2, 3, 4]  # exp would overflow without the max shift
    y = np.eye(7, dtype=dtype)[rng.integers(0, 7, 64)]
    (_, (v_fast, g_fast)), (_, (v_ref, g_ref)) = _both(_fused.log_loss_rows, y, o)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    assert v_fast.dtype == g_fast.dtype == dtype
    assert np.isfinite(v_fast).all() and np.isfinite(g_fast).all()
    np.testing.assert_allclose(v_fast, v_ref, rtol=tol, atol=tol)
    np.testing.assert_allclose(g_fast, g_ref, rtol=tol, atol=tol)
    # The definition, in float64 through scipy's log-softmax.
    from scipy.special import log_softmax, softmax

    o64, y64 = o.astype(np.float64), y.astype(np.float64)
    np.testing.assert_allclose(
        v_fast, -(y64 * log_softmax(o64, axis=1)).sum(axis=1), rtol=tol, atol=tol
    )
    np.testing.assert_allclose(g_fast, softmax(o64, axis=1) - y64, atol=tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_step_keeps_the_weights_before_it(optimizer, dtype):
    """``keep`` receives the parameters before the step, on both paths, and
    the step itself is the one taken without ``keep``."""
    rng = np.random.default_rng(5)
    p, g, M = (rng.normal(size=501).astype(dtype) for _ in range(3))
    V = rng.random(501).astype(dtype)

    def adam(p, g, M, V, keep):
        _fused.adam_update(p, g, M, V, 0.9, 0.999, 1e-7, 1e-3, np.empty_like(p), keep)

    def sgd(p, g, M, V, keep):
        _fused.sgd_update(p, g, M, 0.9, 0.01, True, keep)

    step = adam if optimizer == "adam" else sgd
    keep = np.full_like(p, np.nan)
    (fast, _), (ref, _) = _both(step, p, g, M, V, keep)
    (plain, _), _ = _both(lambda *a: step(*a[:4], None), p, g, M, V)
    for kept in (fast[4], ref[4]):
        np.testing.assert_array_equal(kept, p)
    np.testing.assert_array_equal(fast[0], plain[0])
    np.testing.assert_array_equal(fast[0], ref[0])
    assert not np.array_equal(fast[0], p)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_relu_and_its_backward_match_numpy(dtype):
    rng = np.random.default_rng(3)
    z = rng.normal(size=(50, 9)).astype(dtype)
    b = rng.normal(size=9).astype(dtype)
    (fast, _), (ref, _) = _both(_fused.bias_relu_forward, z, b)
    np.testing.assert_array_equal(fast[0], np.maximum(z + b, 0))
    np.testing.assert_array_equal(fast[0], ref[0])
    grad = rng.normal(size=z.shape).astype(dtype)
    a = np.maximum(z, 0)
    (fast, _), (ref, _) = _both(_fused.relu_backward, a, grad)
    np.testing.assert_array_equal(fast[1], grad * (z > 0))
    np.testing.assert_array_equal(fast[1], ref[1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_add_scaled_matches_numpy_bit_for_bit(dtype):
    rng = np.random.default_rng(4)
    out, x = (rng.normal(size=(31, 7)).astype(dtype) for _ in range(2))
    (fast, _), (ref, _) = _both(_fused.add_scaled, out, x, scale=1e-3)
    np.testing.assert_array_equal(fast[0], ref[0])
    np.testing.assert_allclose(fast[0], out + dtype(1e-3) * x, rtol=1e-6)


def test_comparison_catches_a_wrong_kernel(monkeypatch):
    """The equality test fails when the compiled kernel is wrong (eps dropped)."""

    def wrong(params, grad, M, V, b1, b2, eps, rate, keep):
        M *= b1
        M += grad
        V *= b2
        V += grad * grad
        params -= rate * M / np.sqrt(V)

    monkeypatch.setattr(_fused, "_adam_compiled", wrong)
    with pytest.raises(AssertionError):
        test_adam_update_matches_numpy_bit_for_bit(np.float64)


def test_use_numba_switches_and_restores():
    before = numba_enabled()
    with use_numba(False):
        assert not numba_enabled()
        with use_numba(True):
            assert numba_enabled()
        assert not numba_enabled()
    assert numba_enabled() == before


def _digits(n=300):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X[:n] / 16.0, y[:n]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_training_is_the_same_on_both_paths(solver, dtype):
    """A whole fit gives the same weights with and without the compiled kernels.

    To rounding: the updates and the ReLU agree bit for bit, but the log
    loss's exponentials and logarithms come from different libraries (numba's
    and numpy's), which may differ in the last bit.
    """
    from sklearn_mathdl import MLPClassifier

    X, y = _digits()
    fitted = []
    for enabled in (True, False):
        with use_numba(enabled):
            model = MLPClassifier(
                (16, 8), solver=solver, max_iter=5, random_state=0, dtype=dtype
            ).fit(X, y)
        fitted.append(model)
    rtol = 1e-4 if dtype == "float32" else 1e-10
    for a, b in zip(fitted[0].coefs_, fitted[1].coefs_):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max())
    np.testing.assert_allclose(fitted[0].loss_curve_, fitted[1].loss_curve_, rtol=rtol)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_fused_kernels_serve_the_builtin_relu_and_log_loss(monkeypatch):
    """Training with the built-ins calls the kernels; the fit is unchanged."""
    from sklearn_mathdl import MLPClassifier
    from sklearn_mathdl.neural_network import _network, losses

    calls = {"bias_relu": 0, "relu_backward": 0, "log_loss": 0}

    def counting(name, kernel):
        def counted(*args):
            calls[name] += 1
            return kernel(*args)

        return counted

    monkeypatch.setattr(
        _network, "bias_relu_forward", counting("bias_relu", _fused.bias_relu_forward)
    )
    monkeypatch.setattr(
        _network, "relu_backward", counting("relu_backward", _fused.relu_backward)
    )
    monkeypatch.setattr(
        losses, "log_loss_rows", counting("log_loss", _fused.log_loss_rows)
    )
    X, y = _digits()
    MLPClassifier((16, 8), max_iter=2, random_state=0).fit(X, y)
    n_batches = 2 * 2  # 300 samples in batches of 200, two epochs
    assert calls["bias_relu"] >= 2 * n_batches  # two hidden ReLU layers
    assert calls["relu_backward"] == 2 * n_batches
    assert calls["log_loss"] >= n_batches


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_subclass_of_relu_runs_its_own_methods():
    """The fused path serves the built-in ReLU only: a subclass that redefines
    it (here a leaky variant) is trained with its own forward and backward."""
    from sklearn_mathdl import MLPClassifier
    from sklearn_mathdl.neural_network.activations import LeakyReLU, ReLU

    class Leaky(ReLU):
        def forward(self, z):
            return LeakyReLU(0.1).forward(z)

        def derivative(self, z):
            return LeakyReLU(0.1).derivative(z)

    X, y = _digits()
    params = dict(max_iter=3, random_state=0, dtype="float64")
    mine = MLPClassifier((16,), activation=Leaky(), **params).fit(X, y)
    leaky = MLPClassifier((16,), activation=LeakyReLU(0.1), **params).fit(X, y)
    relu = MLPClassifier((16,), activation="relu", **params).fit(X, y)
    np.testing.assert_allclose(mine.coefs_[0], leaky.coefs_[0], rtol=1e-12)
    assert not np.allclose(mine.coefs_[0], relu.coefs_[0])
