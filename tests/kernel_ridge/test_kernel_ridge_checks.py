"""Kernel plugins under check_kernel; the estimator under scikit-learn's checks."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.gaussian_process.kernels import Matern as GPMatern
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_mathdl import RepresenterKernelRegressor
from sklearn_mathdl.kernel_ridge.kernels import RBF, Kernel
from sklearn_mathdl.plugins import available_kernels, get_kernel
from sklearn_mathdl.utils import check_kernel


@pytest.mark.parametrize("name", available_kernels())
def test_every_registered_kernel_passes_check_kernel(name):
    report = check_kernel(name)
    assert report == {
        "accepts_sparse": getattr(get_kernel(name), "accepts_sparse", False)
    }


def test_check_kernel_reports_sparse_support():
    for name in ("linear", "poly", "rbf", "laplacian", "sigmoid", "cosine"):
        assert check_kernel(name)["accepts_sparse"], name
    assert not check_kernel("periodic")["accepts_sparse"]
    assert not check_kernel(GPMatern(nu=1.5))["accepts_sparse"]


class SparseAsPattern(RBF):
    """Claims sparse support but sees only where the entries are non-zero."""

    accepts_sparse = True

    def __call__(self, X, Y=None):
        if sparse.issparse(X):
            X = (X != 0).astype(np.float64).toarray()
        return super().__call__(X, Y)


class SparseRefused(RBF):
    """Claims sparse support but cannot take it."""

    accepts_sparse = True

    def __call__(self, X, Y=None):
        return super().__call__(np.asarray(X), None if Y is None else np.asarray(Y))


class SparseDiagonalWrong(RBF):
    accepts_sparse = True

    def diag(self, X):
        return np.zeros(X.shape[0]) if sparse.issparse(X) else super().diag(X)


@pytest.mark.parametrize(
    "broken, message",
    [
        (SparseAsPattern(), "differs from the same rows dense"),
        (SparseRefused(), "raised"),
        (SparseDiagonalWrong(), "diag on CSR input differs"),
    ],
)
def test_check_kernel_fails_on_wrong_sparse_claims(broken, message):
    check_kernel(RBF())  # the same kernel without the claim passes
    with pytest.raises(AssertionError, match=message):
        check_kernel(broken)
    type(broken).accepts_sparse = False  # the same class, honest, passes
    try:
        assert check_kernel(broken) == {"accepts_sparse": False}
    finally:
        type(broken).accepts_sparse = True


def test_check_kernel_accepts_gaussian_process_kernels():
    check_kernel(GPMatern(length_scale=0.5, nu=2.5))


class NotSymmetric(Kernel):
    def __call__(self, X, Y=None):
        Y = X if Y is None else Y
        return RBF(0.5)(X, 2 * Y)


class NotPositive(Kernel):
    def __call__(self, X, Y=None):
        return -RBF(0.5)(X, Y)


class WrongDiagonal(RBF):
    def diag(self, X):
        return 2 * super().diag(X)


class Float64Only(RBF):
    def __call__(self, X, Y=None):
        return super().__call__(np.asarray(X, np.float64), Y)


class NaNKernel(RBF):
    def __call__(self, X, Y=None):
        K = super().__call__(X, Y)
        K[0, 0] = np.nan
        return K


@pytest.mark.parametrize(
    "broken, message",
    [
        (NotSymmetric(), "not symmetric"),
        (NotPositive(), "not positive semi-definite"),
        (WrongDiagonal(), "diag"),
        (Float64Only(), "float32"),
        (NaNKernel(), "non-finite"),
    ],
)
def test_check_kernel_fails_on_broken_kernels(broken, message):
    with pytest.raises(AssertionError, match=message):
        check_kernel(broken)


def test_indefinite_flag_skips_definiteness_only():
    class DeclaredIndefinite(NotPositive):
        indefinite = True

    check_kernel(DeclaredIndefinite())
    check_kernel("sigmoid")


CONFIGURATIONS = [
    RepresenterKernelRegressor(),
    RepresenterKernelRegressor(0.1, kernel="poly", degree=2, fit_intercept=True),
    RepresenterKernelRegressor(kernel=GPMatern(nu=1.5)),
    RepresenterKernelRegressor(
        kernel="laplacian", alpha=[0.1, 1.0], alpha_selection="loo"
    ),
    RepresenterKernelRegressor(solver="nystrom-pcg", random_state=0),
    RepresenterKernelRegressor(
        kernel="poly",
        degree=2,
        solver="nystrom-pcg",
        n_centers=100,
        fit_intercept=True,
        center_selection="leverage",
        random_state=0,
    ),
]

LOO_DUPLICATES = (
    "Leave-one-out is not invariant to repeating a sample: leaving one copy "
    "out keeps the other, so the selected alpha differs from the weighted fit's."
)


def _expected_failed_checks(estimator):
    if estimator.alpha_selection == "loo":
        return {
            "check_sample_weight_equivalence_on_dense_data": LOO_DUPLICATES,
            "check_sample_weight_equivalence_on_sparse_data": LOO_DUPLICATES,
        }
    # Nyström fits pass the weight-equivalence checks: with 100 centres the
    # degree-2 polynomial kernel's subspace is its whole 66-dimensional feature
    # space; with n_centers="auto" (3 sqrt(n)) the rbf fit of the repeated data
    # (27 rows, 9 distinct) samples 16 centres that include all 9 distinct
    # points, and the weighted fit (9 points) takes all 9. With fewer centres
    # than distinct points the two fits would span different subspaces.
    return {}


@parametrize_with_checks(CONFIGURATIONS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
