"""RepresenterKernelRegressor on scipy.sparse X: every solver, every kernel that
declares ``accepts_sparse``; a clear error for the others."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.gaussian_process.kernels import Matern as GPMatern

from sklearn_mathdl import RepresenterKernelRegressor
from sklearn_mathdl.kernel_ridge.kernels import RBF, Kernel
from sklearn_mathdl.plugins import available_kernels, get_kernel

SPARSE_KERNELS = ["linear", "poly", "rbf", "laplacian", "sigmoid", "cosine", "matern"]
SOLVERS = {
    "cholesky": {},
    "loo": {"alpha": [0.1, 1.0], "alpha_selection": "loo"},
    "nystrom": {"solver": "nystrom-pcg", "n_centers": 40, "random_state": 0},
    "leverage": {
        "solver": "nystrom-pcg",
        "n_centers": 40,
        "center_selection": "leverage",
        "random_state": 0,
    },
}


def _data(n=150, d=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X[np.abs(X) < 0.8] = 0.0  # about 60% zeros
    return X, X[:, 0] - 0.5 * X[:, 1] ** 2 + 0.1 * rng.normal(size=n)


def test_declared_sparse_kernels():
    declared = [k for k in available_kernels() if get_kernel(k).accepts_sparse]
    assert set(SPARSE_KERNELS) <= set(declared)
    assert not get_kernel("periodic").accepts_sparse


@pytest.mark.parametrize(
    "kernel, solver",
    [
        (kernel, solver)
        for kernel in SPARSE_KERNELS
        for solver in SOLVERS
        # The indefinite sigmoid kernel has no Nyström preconditioner.
        if not (kernel == "sigmoid" and solver in ("nystrom", "leverage"))
    ],
)
def test_sparse_fit_equals_dense_fit(kernel, solver):
    X, y = _data()
    params = {"kernel": kernel, **SOLVERS[solver]}
    dense = RepresenterKernelRegressor(**params).fit(X, y)
    for container in (sparse.csr_matrix, sparse.csc_array):
        model = RepresenterKernelRegressor(**params).fit(container(X), y)
        if solver in ("cholesky", "loo"):
            # (Nyström: c is ill-determined where K_mm is nearly singular, so
            # rounding moves it along that null space; predictions do not.)
            np.testing.assert_allclose(
                model.dual_coef_, dense.dual_coef_, rtol=1e-7, atol=1e-9
            )
        for X_pred in (container(X[:30]), X[:30]):
            np.testing.assert_allclose(
                model.predict(X_pred), dense.predict(X[:30]), rtol=1e-7, atol=1e-9
            )
        np.testing.assert_allclose(
            dense.predict(container(X[:30])), dense.predict(X[:30]), atol=1e-9
        )


def test_sparse_float32_stays_float32():
    X, y = _data()
    model = RepresenterKernelRegressor(kernel="rbf").fit(
        sparse.csr_matrix(X.astype(np.float32)), y
    )
    assert model.dual_coef_.dtype == np.float32
    assert model.predict(sparse.csr_matrix(X.astype(np.float32))).dtype == np.float32


def test_sparse_with_64_bit_indices():
    X, y = _data()
    Xs = sparse.csr_matrix(X)
    Xs.indices, Xs.indptr = Xs.indices.astype(np.int64), Xs.indptr.astype(np.int64)
    dense = RepresenterKernelRegressor(kernel="laplacian").fit(X, y)
    model = RepresenterKernelRegressor(kernel="laplacian").fit(Xs, y)
    np.testing.assert_allclose(model.predict(Xs), dense.predict(X), atol=1e-9)


def test_sparse_precomputed_kernel_is_densified():
    X, y = _data()
    K = RBF(0.3)(X)
    dense = RepresenterKernelRegressor(kernel="precomputed").fit(K, y)
    model = RepresenterKernelRegressor(kernel="precomputed").fit(
        sparse.csr_matrix(K), y
    )
    np.testing.assert_allclose(
        model.predict(sparse.csr_matrix(K[:10])), dense.predict(K[:10]), atol=1e-10
    )


class NoSparse(Kernel):
    def __call__(self, X, Y=None):
        return RBF(0.5)(X, Y)


@pytest.mark.parametrize(
    "kernel, named",
    [
        ("periodic", "'periodic'"),
        (GPMatern(nu=1.5), "Matern"),
        (NoSparse(), "NoSparse"),
        (lambda A, B: A @ B.T, "function"),
    ],
)
def test_kernels_without_sparse_support_refuse_it_clearly(kernel, named):
    X, y = _data()
    model = RepresenterKernelRegressor(kernel=kernel)
    assert not model.__sklearn_tags__().input_tags.sparse
    with pytest.raises(TypeError, match=rf"{named}.*X\.toarray\(\).*rbf"):
        model.fit(sparse.csr_matrix(X), y)
    fitted = model.fit(X, y)
    before = fitted.predict(X[:5])
    with pytest.raises(TypeError, match=r"does not accept sparse input"):
        fitted.predict(sparse.csr_matrix(X[:5]))
    np.testing.assert_array_equal(fitted.predict(X[:5]), before)


def test_a_function_kernel_may_declare_sparse_support():
    def linear(A, B):
        return (A @ B.T).toarray() if sparse.issparse(A) else A @ B.T

    linear.accepts_sparse = True
    X, y = _data()
    model = RepresenterKernelRegressor(kernel=linear, fit_intercept=False)
    assert model.__sklearn_tags__().input_tags.sparse
    ref = RepresenterKernelRegressor(kernel="linear", fit_intercept=False).fit(X, y)
    model.fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-8, atol=1e-10)


def test_sparse_tag_follows_the_kernel():
    for name in SPARSE_KERNELS:
        tags = RepresenterKernelRegressor(kernel=name).__sklearn_tags__()
        assert tags.input_tags.sparse, name
    assert (
        not RepresenterKernelRegressor(kernel="precomputed")
        .__sklearn_tags__()
        .input_tags.sparse
    )
