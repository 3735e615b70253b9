r"""Squared distances and kernel diagonals shared by the kernel plugins.

The BLAS expansion :math:`\|x - y\|^2 = \|x\|^2 + \|y\|^2 - 2 x^\top y`: one
matrix product, then in-place updates of the same array, clipped at 0
(round-off can make the expansion slightly negative).
"""

import numpy as np
from scipy import sparse
from sklearn.utils.extmath import row_norms, safe_sparse_dot

# From this many entries on, squared distances are one augmented GEMM
# (_augmented_dot); below, building the augmented rows costs more (about 4 us)
# than the two in-place updates it saves (measured: 50 x 50 slower, 200 x 200
# faster).
AUGMENTED_FROM = 2**13


def _array(X):
    """``X`` as an ndarray, or as CSR if it is sparse."""
    return X.tocsr() if sparse.issparse(X) else np.asarray(X)


def _pair(X, Y):
    X = _array(X)
    Y = X if Y is None else _array(Y)
    if Y.dtype != X.dtype:
        Y = Y.astype(X.dtype)
    return X, Y


def _int32_indices(X):
    """A CSR ``X`` with 32-bit indices (scikit-learn's compiled L1 distance
    takes only those); dense or already 32-bit input is returned as is."""
    if not sparse.issparse(X) or X.indices.dtype == np.int32:
        return X
    if X.nnz >= np.iinfo(np.int32).max:
        raise ValueError(
            "The laplacian kernel takes sparse matrices of fewer than 2**31 "
            f"stored values; X has {X.nnz}. Use fewer samples per block."
        )
    out = X.copy()
    out.indices = out.indices.astype(np.int32)
    out.indptr = out.indptr.astype(np.int32)
    return out


def _squared_norms(X):
    r""":math:`\|x_i\|^2` of each row, dense or sparse, in the dtype of ``X``."""
    return row_norms(_array(X), squared=True)


def _scalar(value, dtype):
    """A Python float: keeps a float32 array float32 under ``*=``."""
    return float(np.asarray(value, dtype=dtype))


def _dot(X, Y):
    """``X @ Y.T`` with ``Y.T`` made contiguous first.

    OpenBLAS multiplies a transposed operand with a small inner dimension (the
    number of features) several times slower than a contiguous one; the copy
    is only ``Y``'s size. Sparse operands are multiplied by scipy.sparse and
    the product returned dense.
    """
    if sparse.issparse(X) or sparse.issparse(Y):
        return np.ascontiguousarray(safe_sparse_dot(X, Y.T, dense_output=True))
    return X @ np.ascontiguousarray(Y.T)


def scaled_negative_distances(X, Y=None, scale=1.0):
    r"""Compute :math:`-s\|x_i - y_j\|^2` by one GEMM and one clipping pass.

    Dense input from ``AUGMENTED_FROM`` entries on: one GEMM of the augmented
    rows :math:`[2s x, -s\|x\|^2, 1]` and :math:`[y, 1, -s\|y\|^2]`. Sparse
    or small input: the factor :math:`2s` is folded into the GEMM's small
    operand and :math:`s\|x\|^2`, :math:`s\|y\|^2` are subtracted in place.
    The result is clipped at 0 (the exponential of the Gaussian kernel is one
    more pass). A point whose :math:`s\|x\|^2` overflows gets a NaN distance
    to itself, as it does against a copy of itself, for the caller to report.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples_X, n_features)
        First set of points :math:`x_i`.
    Y : {array-like, sparse matrix} of shape (n_samples_Y, n_features), default=None
        Second set of points :math:`y_j`; ``None`` means ``Y = X``.
    scale : float, default=1.0
        The factor :math:`s \ge 0`.

    Returns
    -------
    D : ndarray of shape (n_samples_X, n_samples_Y)
        The non-positive matrix :math:`[-s\|x_i - y_j\|^2]_{ij}`, dtype of ``X``.

    See Also
    --------
    squared_distances : The unscaled squared distances :math:`\|x_i - y_j\|^2`.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import scaled_negative_distances
    >>> scaled_negative_distances([[0.0, 0.0], [1.0, 2.0]], scale=0.5).tolist()
    [[0.0, -2.5], [-2.5, 0.0]]
    """
    X, Y = _pair(X, Y)
    s = _scalar(scale, X.dtype)
    xx = _squared_norms(X)
    xx *= s
    yy = xx if Y is X else s * _squared_norms(Y)
    large = X.shape[0] * Y.shape[0] >= AUGMENTED_FROM
    if large and not (sparse.issparse(X) or sparse.issparse(Y)):
        D = _augmented_dot(X, Y, xx, yy, s)
    else:
        D = _dot(X, (2 * s) * Y)
        D -= xx[:, None]
        D -= yy[None, :]
    np.minimum(D, 0, out=D)
    if Y is X:
        # A point's distance to itself is 0, unless its squared norm overflowed
        # (then NaN, as it is against a copy of X: k(X) and k(X, X.copy()) agree).
        np.fill_diagonal(D, np.where(np.isfinite(xx), 0.0, np.nan))
    return D


def _augmented_dot(X, Y, xx, yy, s):
    r""":math:`2s\,x^\top y - s\|x\|^2 - s\|y\|^2` as one GEMM of dense arrays.

    The rows :math:`[2s x, -s\|x\|^2, 1]` times :math:`[y, 1, -s\|y\|^2]`:
    the norms enter the product's inner dimension (two more columns than the
    features), so the :math:`n \times m` result is written once instead of
    once and updated twice (measured: 30% less time for the Gaussian kernel
    of 8 features).
    """
    ones_x = np.ones((X.shape[0], 1), dtype=X.dtype)
    ones_y = np.ones((Y.shape[0], 1), dtype=X.dtype)
    left = np.hstack([(2 * s) * X, -xx[:, None], ones_x])
    right = np.vstack([Y.T, ones_y.T, -yy[None, :]])
    return left @ right


def squared_distances(X, Y=None):
    r"""Compute :math:`\|x_i - y_j\|^2` by one GEMM and in-place updates.

    This is :func:`scaled_negative_distances` with :math:`s = 1`, negated in
    place: the expansion :math:`\|x\|^2 + \|y\|^2 - 2 x^\top y`, clipped at 0.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples_X, n_features)
        First set of points :math:`x_i`.
    Y : {array-like, sparse matrix} of shape (n_samples_Y, n_features), default=None
        Second set of points :math:`y_j`; ``None`` means ``Y = X``.

    Returns
    -------
    D : ndarray of shape (n_samples_X, n_samples_Y)
        The non-negative squared Euclidean distances, in the dtype of ``X``.

    See Also
    --------
    sklearn.metrics.pairwise.euclidean_distances : The same with ``squared=True``.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import squared_distances
    >>> squared_distances([[0.0, 0.0]], [[3.0, 4.0]]).tolist()
    [[25.0]]
    """
    D = scaled_negative_distances(X, Y, 1.0)
    return np.negative(D, out=D)


def _default_gamma(gamma, X):
    return 1.0 / X.shape[1] if gamma is None else gamma


def row_by_row_diagonal(kernel, X):
    r"""Compute :math:`[\kappa(x_i, x_i)]_i` of any kernel, one row at a time.

    The generic diagonal, for kernels that know no faster one: ``n`` calls
    on single rows, never the :math:`n \times n` matrix.

    Parameters
    ----------
    kernel : callable
        A kernel ``kernel(A, B)`` returning the matrix :math:`[\kappa(a_i, b_j)]_{ij}`.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The points :math:`x_i`.

    Returns
    -------
    diag : ndarray of shape (n_samples,)
        The values :math:`\kappa(x_i, x_i)`.

    See Also
    --------
    Kernel.diag : The method that uses it by default.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import row_by_row_diagonal
    >>> row_by_row_diagonal(lambda A, B: A @ B.T, [[1.0, 2.0], [3.0, 0.0]]).tolist()
    [5.0, 9.0]
    """
    X = _array(X)
    rows = (X[i : i + 1] for i in range(X.shape[0]))
    return np.array([np.asarray(kernel(row, row))[0, 0] for row in rows])
