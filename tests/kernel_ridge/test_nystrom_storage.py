"""FALKON's kernel columns (stored whole, in part, or in float32) and fast blocks."""

import numpy as np
import pytest

from sklearn_mathdl import RepresenterKernelRegressor
from sklearn_mathdl.kernel_ridge import _distances
from sklearn_mathdl.kernel_ridge._kernel_matrix import (
    KernelMatrix,
    PrecomputedKernelMatrix,
)
from sklearn_mathdl.kernel_ridge._nystrom import KernelColumns, storage_dtype
from sklearn_mathdl.kernel_ridge.kernels import RBF


def _data(n, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, d))
    y = np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1]) + 0.5 * X[:, 2] ** 2
    return X, y + 0.1 * rng.standard_normal(n)


def _columns(X, m, memory, storage=None):
    matrix = KernelMatrix(RBF(0.5), X, verified=False, name="'rbf'")
    return KernelColumns(matrix, matrix.support(np.arange(m)), memory, storage)


def _dense(columns):
    return np.vstack([columns.block(k).copy() for k in range(len(columns.bounds))])


def test_leading_blocks_that_fit_are_stored_the_others_recomputed():
    X, _ = _data(2000)
    full = _columns(X, 400, memory=10**9)
    half = _columns(X, 400, memory=1000 * 400 * 8)
    none = _columns(X, 400, memory=0)
    assert len(full.bounds) > 2 and full.stored_fraction == 1.0
    assert 0 < half.stored_fraction <= 0.5 and len(half.blocks) >= 1
    assert none.stored_fraction == 0.0 and none.blocks == []
    expected = RBF(0.5)(X, X[:400])
    for columns in (full, half, none):
        np.testing.assert_array_equal(_dense(columns), expected)


def test_float32_storage_rounds_the_entries_only():
    X, _ = _data(1500)
    columns = _columns(X, 300, memory=10**9, storage=np.float32)
    assert all(block.dtype == np.float32 for block in columns.blocks)
    rounded = RBF(0.5)(X, X[:300]).astype(np.float32)
    np.testing.assert_array_equal(np.vstack(columns.blocks), rounded)
    # Served widened to the data's dtype, so products keep float64 coefficients.
    assert columns.block(0).dtype == np.float64
    np.testing.assert_array_equal(_dense(columns), rounded.astype(np.float64))


def _factor(X, m):
    return np.linalg.cholesky(RBF(0.5)(X[:m]) + 1e-10 * np.eye(m)).T


@pytest.mark.parametrize(
    "case, expected",
    [
        ("fits in float64", np.float64),
        ("only float32 fits", np.float32),
        ("tolerance below float32", np.float64),
        ("verified kernel", np.float64),
        ("float32 data", np.float32),
        ("tiny pivots", np.float64),
    ],
)
def test_storage_dtype(case, expected):
    X, _ = _data(1000, d=3 if case == "tiny pivots" else 8)
    T = _factor(X, 300 if case == "tiny pivots" else 100)
    X = X.astype(np.float32) if case == "float32 data" else X
    matrix = KernelMatrix(RBF(0.5), X, verified=case == "verified kernel", name="k")
    memory = 1000 * T.shape[0] * (8 if case == "fits in float64" else 4)
    tol = 1e-8 if case == "tolerance below float32" else 1e-4
    assert storage_dtype(matrix, T, memory, tol) == expected


def test_entries_beyond_float32_keep_float64_storage():
    X, _ = _data(500, d=8)
    matrix = KernelMatrix(RBF(0.5), X, verified=False, name="'rbf'")
    T, memory = _factor(X, 100), 500 * 100 * 4
    assert storage_dtype(matrix, T, memory, 1e-4) == np.float32
    matrix.diag = lambda: np.full(500, 1e35)  # bounds |K_ij| for a PSD kernel
    assert storage_dtype(matrix, T, memory, 1e-4) == np.float64
    K = RBF(0.5)(X)
    K[0, 1] = K[1, 0] = 1e35  # a precomputed matrix: its largest entry counts
    precomputed = PrecomputedKernelMatrix(K)
    assert storage_dtype(precomputed, T, memory, 1e-4) == np.float64
    K[0, 1] = K[1, 0] = 0.5
    assert storage_dtype(PrecomputedKernelMatrix(K), T, memory, 1e-4) == np.float32


def _fit(X, y, memory_limit, **kw):
    return RepresenterKernelRegressor(
        1e-2,
        gamma=0.5,
        solver="nystrom-pcg",
        n_centers=400,
        memory_limit=memory_limit,
        random_state=0,
        **kw,
    ).fit(X, y)


def _spy_storage(monkeypatch):
    """Record the dtype and stored fraction of every KernelColumns built in FALKON."""
    seen = []
    original = KernelColumns.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seen.append((self.storage, self.stored_fraction))

    monkeypatch.setattr(KernelColumns, "__init__", spy)
    return seen


N, M = 6000, 400  # 8 features: well-conditioned centres (pivots above 1e-3)


def test_partly_stored_and_float32_fits_match_the_stored_float64_fit(monkeypatch):
    X, y = _data(N, d=8)
    X_test, _ = _data(500, d=8, seed=1)
    seen = _spy_storage(monkeypatch)
    stored = _fit(X, y, "100MB", tol=1e-10)
    partly = _fit(X, y, N * M * 4, tol=1e-10)  # half of float64 K_nm
    single = _fit(X, y, N * M * 4, tol=1e-6)  # all of float32 K_nm
    reference = _fit(X, y, "100MB", tol=1e-6)
    assert seen[:3] == [
        (np.float64, 1.0),
        (np.float64, pytest.approx(0.5, abs=0.2)),
        (np.float32, 1.0),
    ]
    p_stored = stored.predict(X_test)
    np.testing.assert_allclose(partly.predict(X_test), p_stored, atol=1e-10)
    # Rounding the entries to float32 moves the predictions by as little as
    # stopping CG at tol=1e-6 does, in as many iterations.
    assert single.n_iter_ <= reference.n_iter_ + 1
    reach = np.abs(reference.predict(X_test) - p_stored).max()
    assert 0 < reach < 1e-4
    assert np.abs(single.predict(X_test) - p_stored).max() < 3 * reach


def test_broken_float32_storage_is_detected(monkeypatch):
    """The comparison above fails if the stored float32 blocks are wrong."""
    X, y = _data(N, d=8)
    X_test, _ = _data(500, d=8, seed=1)
    stored = _fit(X, y, "100MB", tol=1e-10).predict(X_test)
    original = KernelColumns._stored
    monkeypatch.setattr(
        KernelColumns, "_stored", lambda self, b: original(self, b) * np.float32(0.9999)
    )
    single = _fit(X, y, N * M * 4, tol=1e-6).predict(X_test)
    assert np.abs(single - stored).max() > 1e-4


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [((200, 8), (150, 8)), ((100, 3), None)])
def test_augmented_gemm_matches_the_gemm_and_updates(dtype, shape):
    """Both forms of the squared distances agree to rounding, large and small."""
    rng = np.random.default_rng(3)
    X = rng.uniform(-2, 2, shape[0]).astype(dtype)
    Y = None if shape[1] is None else rng.uniform(-2, 2, shape[1]).astype(dtype)
    assert X.shape[0] * (X if Y is None else Y).shape[0] >= _distances.AUGMENTED_FROM
    augmented = _distances.scaled_negative_distances(X, Y, 0.7)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_distances, "AUGMENTED_FROM", np.inf)
        plain = _distances.scaled_negative_distances(X, Y, 0.7)
    assert augmented.dtype == plain.dtype == dtype
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(augmented, plain, rtol=0, atol=64 * eps * 0.7 * 16)
    assert augmented.max() <= 0
    if Y is None:
        assert np.all(np.diag(augmented) == 0)
