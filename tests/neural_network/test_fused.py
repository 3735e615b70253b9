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
def test_relu_and_gather_match_numpy(dtype):
    rng = np.random.default_rng(3)
    z = rng.normal(size=(50, 9)).astype(dtype)
    (fast, _), (ref, _) = _both(_fused.relu_forward, z)
    np.testing.assert_array_equal(fast[0], np.maximum(z, 0))
    np.testing.assert_array_equal(fast[0], ref[0])
    grad = rng.normal(size=z.shape).astype(dtype)
    a = np.maximum(z, 0)
    (fast, _), (ref, _) = _both(_fused.relu_backward, a, grad)
    np.testing.assert_array_equal(fast[1], grad * (z > 0))
    np.testing.assert_array_equal(fast[1], ref[1])
    X = rng.normal(size=(100, 5)).astype(dtype)
    rows = rng.permutation(100)[:17]
    (fast, _), (ref, _) = _both(
        _fused.gather_rows, X, rows, np.empty((17, 5), dtype=dtype)
    )
    np.testing.assert_array_equal(fast[2], X[rows])
    np.testing.assert_array_equal(ref[2], X[rows])


def test_comparison_catches_a_wrong_kernel(monkeypatch):
    """The equality test fails when the compiled kernel is wrong (eps dropped)."""

    def wrong(params, grad, M, V, b1, b2, eps, rate):
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


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_training_is_the_same_on_both_paths(solver, dtype):
    """A whole fit gives the same weights with and without the compiled kernels."""
    from sklearn.datasets import load_digits

    from sklearn_mathdl import MLPClassifier

    X, y = load_digits(return_X_y=True)
    X = X[:300] / 16.0
    y = y[:300]
    fitted = []
    for enabled in (True, False):
        with use_numba(enabled):
            model = MLPClassifier(
                (16,), solver=solver, max_iter=5, random_state=0, dtype=dtype
            ).fit(X, y)
        fitted.append(model)
    for a, b in zip(fitted[0].coefs_, fitted[1].coefs_):
        np.testing.assert_array_equal(a, b)
    assert fitted[0].loss_curve_ == fitted[1].loss_curve_
