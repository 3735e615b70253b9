"""Bad input to RepresenterKernelRegressor: ValueErrors naming the fix."""

import numpy as np
import pytest

from sklearn_mathdl import RepresenterKernelRegressor
from sklearn_mathdl.kernel_ridge.kernels import RBF


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


# ------------------------------------------- parameters the kernel would ignore
@pytest.mark.parametrize(
    "kernel, setting",
    [
        ("matern", {"gamma": 0.5}),
        ("periodic", {"gamma": 0.5}),
        ("rbf", {"degree": 2}),
        ("rbf", {"coef0": 0.0}),
        ("laplacian", {"degree": 5}),
        ("sigmoid", {"degree": 2}),
        ("linear", {"gamma": 0.1}),
        ("cosine", {"coef0": 2.0}),
        ("precomputed", {"gamma": 0.1}),
        (RBF(gamma=0.5), {"gamma": 0.1}),
        (lambda A, B: A @ B.T, {"degree": 2}),
    ],
)
def test_parameter_the_kernel_ignores_raises(kernel, setting):
    X, y = _data()
    X = X @ X.T if isinstance(kernel, str) and kernel == "precomputed" else X
    (name,) = setting
    with pytest.raises(ValueError, match=rf"{name}=.* would be ignored by"):
        RepresenterKernelRegressor(kernel=kernel, **setting).fit(X, y)


@pytest.mark.parametrize(
    "kernel, setting, param",
    [
        ("rbf", {"gamma": 0.3}, "gamma"),
        ("laplacian", {"gamma": 0.3}, "gamma"),
        ("poly", {"gamma": 0.3, "degree": 2, "coef0": 0.5}, "degree"),
        ("sigmoid", {"gamma": 0.3, "coef0": 0.5}, "coef0"),
    ],
)
def test_parameters_a_kernel_takes_are_used(kernel, setting, param):
    X, y = _data()
    model = RepresenterKernelRegressor(kernel=kernel, **setting).fit(X, y)
    assert getattr(model.kernel_, param) == setting[param]
    # Defaults stated explicitly are not "set": they are what the kernel uses.
    RepresenterKernelRegressor(kernel="rbf", degree=3, coef0=1.0).fit(X, y)


def test_random_search_over_an_ignored_parameter_cannot_vary_nothing():
    from sklearn.model_selection import RandomizedSearchCV

    X, y = _data(60)
    search = RandomizedSearchCV(
        RepresenterKernelRegressor(kernel="matern"),
        {"gamma": [0.1, 1.0, 10.0]},
        n_iter=3,
        cv=3,
        random_state=0,
        error_score="raise",
    )
    with pytest.raises(ValueError, match="would be ignored by kernel='matern'"):
        search.fit(X, y)


def test_ignored_parameter_leaves_fitted_model_unchanged():
    X, y = _data()
    model = RepresenterKernelRegressor(kernel="matern").fit(X, y)
    before = model.predict(X)
    with pytest.raises(ValueError, match="gamma"):
        model.set_params(gamma=2.0).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), before)


# ----------------------------------------------------------- asymmetric kernels
def _asymmetric(A, B):
    return RBF(0.5)(A, 2 * B)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"alpha": [0.1, 1.0], "alpha_selection": "loo"},
        {"solver": "nystrom-pcg", "random_state": 0},
    ],
)
def test_asymmetric_kernel_raises_in_fit(params):
    X, y = _data(300)
    with pytest.raises(ValueError, match="The kernel is not symmetric"):
        RepresenterKernelRegressor(kernel=_asymmetric, **params).fit(X, y)


def test_asymmetric_kernel_object_and_precomputed_raise():
    class Asymmetric(RBF):
        def __call__(self, X, Y=None):
            return super().__call__(X, 2 * (X if Y is None else Y))

    X, y = _data()
    with pytest.raises(ValueError, match="not symmetric"):
        RepresenterKernelRegressor(kernel=Asymmetric(0.5)).fit(X, y)
    K = _asymmetric(X, X)
    with pytest.raises(ValueError, match="precomputed kernel matrix, is not symmetric"):
        RepresenterKernelRegressor(kernel="precomputed").fit(K, y)


def test_symmetric_custom_kernels_in_float32_pass():
    """Rounding of a symmetric kernel is far below the tolerance."""
    X, y = _data(200)
    X32 = X.astype(np.float32) * 30
    model = RepresenterKernelRegressor(kernel=lambda A, B: (A @ B.T / 900 + 1) ** 2)
    model.fit(X32, y)
    assert np.all(np.isfinite(model.predict(X32)))
