"""Bad input to RepresenterKernelRegressor: ValueErrors naming the fix."""

import numpy as np
import pytest

from sklearn_mathdl import RepresenterKernelRegressor


def _data(n=40):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(n, 3))
    return X, X[:, 0] ** 2


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input(bad):
    X, y = _data()
    Xb = X.copy()
    Xb[3, 1] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        RepresenterKernelRegressor().fit(Xb, y)
    yb = y.copy()
    yb[0] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        RepresenterKernelRegressor().fit(X, yb)


@pytest.mark.parametrize("alpha", [-1.0, [0.1, -0.1], [[0.1]]])
def test_negative_or_malformed_alpha(alpha):
    X, y = _data()
    with pytest.raises(ValueError, match="alpha"):
        RepresenterKernelRegressor(alpha).fit(X, y)


def test_alpha_count_must_match_targets():
    X, y = _data()
    with pytest.raises(ValueError, match="alpha_selection='loo'"):
        RepresenterKernelRegressor([0.1, 1.0, 2.0]).fit(X, np.column_stack([y, y]))


def test_precomputed_wrong_shapes():
    X, y = _data()
    with pytest.raises(ValueError, match="square kernel matrix"):
        RepresenterKernelRegressor(kernel="precomputed").fit(X, y)
    K = X @ X.T
    model = RepresenterKernelRegressor(kernel="precomputed").fit(K, y)
    with pytest.raises(ValueError, match="training samples"):
        model.predict(K[:5, :10])


def test_callable_kernel_wrong_shape_or_nan():
    X, y = _data()
    with pytest.raises(ValueError, match="shape"):
        RepresenterKernelRegressor(kernel=lambda A, B: (A @ B.T)[:, :-1]).fit(X, y)
    with pytest.raises(ValueError, match="non-finite"):
        RepresenterKernelRegressor(kernel=lambda A, B: np.log(A @ B.T - 10)).fit(X, y)


def test_unknown_kernel_lists_available():
    X, y = _data()
    with pytest.raises(
        ValueError,
        match=r"registered kernel name among \[.*'precomputed'.*'rbf'.*Got 'gausian'",
    ):
        RepresenterKernelRegressor(kernel="gausian").fit(X, y)
    with pytest.raises(ValueError, match="kernel_params"):
        RepresenterKernelRegressor(kernel="rbf", kernel_params={"sigma": 1}).fit(X, y)


def test_cholesky_over_memory_limit_raises_before_allocating():
    import tracemalloc

    X, y = _data(2000)
    model = RepresenterKernelRegressor(solver="cholesky", memory_limit="1MB")
    tracemalloc.start()
    with pytest.raises(ValueError, match='solver="nystrom-pcg"|solver=.nystrom-pcg.'):
        model.fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2_000_000  # the 2000 x 2000 matrix would take 32 MB
    with pytest.raises(ValueError, match="memory_limit"):
        RepresenterKernelRegressor(memory_limit="lots").fit(X, y)


def test_failed_fit_leaves_fitted_model_unchanged():
    X, y = _data()
    model = RepresenterKernelRegressor(0.1).fit(X, y)
    before = model.predict(X)
    coef = model.dual_coef_.copy()
    model.set_params(kernel=lambda A, B: np.full((len(A), len(B)), np.nan))
    with pytest.raises(ValueError, match="non-finite"):
        model.fit(X, y)
    np.testing.assert_array_equal(model.dual_coef_, coef)
    model.set_params(kernel="rbf")
    np.testing.assert_array_equal(model.predict(X), before)


def test_loo_needs_exact_solver():
    X, y = _data()
    with pytest.raises(ValueError, match="alpha_selection='loo'"):
        RepresenterKernelRegressor(
            [0.1, 1.0], alpha_selection="loo", solver="nystrom-pcg"
        ).fit(X, y)
