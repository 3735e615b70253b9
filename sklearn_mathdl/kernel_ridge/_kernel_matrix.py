r"""The kernel matrix of a fit: resolved once, served by blocks, verified here.

Every solver of :class:`~sklearn_mathdl.RepresenterKernelRegressor` sees the
data only through :math:`K = [\kappa(x_i, x_j)]_{ij}`: the exact solver
through row panels of its upper triangle, leave-one-out through the whole
matrix, FALKON through the columns of its centres, ``predict`` through the
kernel between new points and the training points. A :class:`KernelMatrix`
serves all of them: ``block(rows, cols)`` is :math:`K(x_{rows}, x_{cols})`,
``cross(A, cols)`` the kernel between new points ``A`` and the training
points ``cols``, ``panel(r0, r1)`` the writable rows :math:`K_{r_0:r_1,\,
r_0:}`, ``full()`` a writable copy of :math:`K`, ``diag()`` its diagonal.
:class:`PrecomputedKernelMatrix` serves the same blocks by indexing the matrix
given as ``X``.

**Verification, in one place.** A kernel that is not one of the package's own
positive semi-definite kernels (a function, a kernel class of the user's, a
``sklearn.gaussian_process`` kernel, the indefinite sigmoid kernel) is
*verified*: every block must be a real matrix of the expected shape whose
entries are finite (the largest magnitude of each block is recorded, which
bounds the predictions, :meth:`KernelMatrix.entry_bound`), a sample of every
square block the fit computes must be symmetric, and an exception it raises
is re-raised naming it. The package's own kernels skip shape and symmetry
checks; their blocks are tested for non-finite entries by one sum
(:meth:`KernelMatrix.check_finite`), except where a solver detects them for
free downstream (FALKON's first pass, ``predict``'s output).

**Overflow is named.** Finite data can overflow inside a kernel (the
polynomial kernel of degree 3 on values of :math:`10^{200}`, squared distances
beyond :math:`10^{308}`); the error says which quantity overflowed, on values
up to what, and to scale ``X``, instead of letting NaN reach LAPACK.
"""

import numpy as np
from scipy import sparse

from sklearn_mathdl.kernel_ridge._distances import row_by_row_diagonal
from sklearn_mathdl.kernel_ridge._overflow import (
    largest_magnitude,
    weights_overflow_error,
)
from sklearn_mathdl.plugins._base import Plugin
from sklearn_mathdl.utils._threads import blas_threads_for

# Rows and columns of the sampled block on which a kernel's symmetry is checked.
SYMMETRY_SAMPLE = 64
_SQRT_EPS = {
    np.dtype(t): float(np.sqrt(np.finfo(t).eps)) for t in (np.float32, np.float64)
}


class Precomputed(Plugin):
    """The kernel of ``kernel="precomputed"`` (``kernel_``): ``X`` is :math:`K`."""

    accepts_sparse = False


def _check_symmetric(K, what, label=""):
    r"""Raise unless the square block ``K`` is symmetric, on a sampled sub-block.

    ``K`` is a block :math:`[\kappa(x_i, x_j)]_{i, j \in S}` the fit has
    computed anyway (a diagonal tile, the centres' kernel); every
    :math:`\lceil w/64 \rceil`-th row and column (a strided view, at most
    about :math:`64 \times 64`) is compared with its transpose: a few
    microseconds, under 1% of the smallest fit's cost. The tolerance is
    :math:`\sqrt{\varepsilon}` of the dtype times the block's largest entry
    (rounding of a symmetric kernel stays far below).
    """
    step = -(-K.shape[0] // SYMMETRY_SAMPLE)
    sub = K[::step, ::step]
    err = float((sub - sub.T).max())  # antisymmetric: its max is its max |.|
    if err == 0.0:
        return
    scale = float(np.abs(sub).max())
    if err > _SQRT_EPS[K.dtype] * scale:
        raise ValueError(
            f"{what} is not symmetric: k(x_i, x_j) and k(x_j, x_i) differ by up "
            f"to {err:.3g} (largest entry {scale:.3g}) on a sample of the "
            f"training points{label}. Kernel ridge regression needs a symmetric, "
            "positive semi-definite kernel; sklearn_mathdl.utils.check_kernel "
            "tests one."
        )


def block_rows(n_cols, itemsize, budget=2**21):
    """Rows per block so that one block of ``n_cols`` columns takes ``budget`` bytes."""
    return int(max(64, budget // max(1, n_cols * itemsize)))


def _rows(X, index):
    """``X[index]``; all of ``X`` (not a copy) for ``index=None``."""
    return X if index is None else X[index]


class KernelMatrix:
    """:math:`K = [\\kappa(x_i, x_j)]` of the points ``X``, served by blocks.

    Parameters
    ----------
    kernel : callable
        The resolved kernel, ``kernel(A, B) -> matrix``.
    X : ndarray or CSR matrix of shape (n, n_features)
        The points (training data, or a fitted model's support).
    verified : bool
        Verify every block (see the module docstring): true for every
        kernel but the package's own positive semi-definite ones.
    name : str
        How errors name the kernel.
    what : str, default="The kernel matrix of X"
        How errors name the matrix.
    """

    def __init__(self, kernel, X, *, verified, name, what="The kernel matrix of X"):
        self.kernel = kernel
        self.X = X
        self.verified = verified
        self.name = name
        self.what = what
        self._block_maxima = []  # list.append is atomic: blocks come from threads

    @property
    def n(self):
        return self.X.shape[0]

    @property
    def dtype(self):
        return self.X.dtype

    def points(self, index):
        """The points ``index`` (what ``centers_`` stores)."""
        return self.X[index]

    def cross(self, A, cols=None, check=True):
        """:math:`[\\kappa(a_i, x_j)]` for new points ``A`` and the points ``cols``.

        ``check=False`` skips the finiteness test of the package's own kernels,
        for callers that detect non-finite values downstream for free.
        """
        B = _rows(self.X, cols)
        if B.dtype != A.dtype:  # a model fitted in float64 predicting float32
            B = B.astype(A.dtype)
        # Overflow is detected and named here, not reported by numpy as well.
        with np.errstate(all="ignore"):
            if self.verified:
                return self._verified(self._call(A, B), A, B)
            K = self.kernel(A, B)
            if check:
                self.check_finite(K, A, B)
        return K

    def block(self, rows, cols, check=True):
        """:math:`K_{rows, cols}` (``None``: all points)."""
        return self.cross(_rows(self.X, rows), cols, check)

    def support(self, index):
        """The kernel matrix of the points ``index``: ``cross(A)`` against them."""
        sub = type(self)(
            self.kernel,
            self.X[index],
            verified=self.verified,
            name=self.name,
            what=self.what,
        )
        sub._block_maxima = self._block_maxima  # one bound for the whole fit
        return sub

    def panel(self, r0, r1, scale=None):
        """Rows ``r0:r1``, columns ``r0:`` of :math:`S K S` (Fortran order, writable).

        ``scale`` is :math:`\\sqrt w` (``None``: :math:`S = I`). The first
        panel's diagonal tile is checked for symmetry before scaling.
        """
        K = self._panel(r0, r1)
        if r0 == 0:
            self.check_symmetric(K[:, : r1 - r0])
        if scale is None:
            return K
        return self._scaled(K, scale[r0:r1], scale[r0:])

    def full(self, scale=None):
        """A writable copy of :math:`S K S`, checked for symmetry before scaling."""
        K = self._full()
        self.check_symmetric(K)
        return K if scale is None else self._scaled(K, scale, scale)

    def _panel(self, r0, r1):
        K = self.block(slice(r0, None), slice(r0, r1)).T
        if self.verified or not K.flags.f_contiguous:
            K = np.array(K, order="F", copy=True)  # not the user's own array
        return K

    def _full(self):
        K = self.block(None, None)
        return np.array(K, copy=True) if self.verified else K

    def _scaled(self, K, left, right):
        """``K`` multiplied in place by ``left`` (rows) and ``right`` (columns)."""
        with np.errstate(all="ignore"):
            K *= left[:, None]
            K *= right[None, :]
            if np.isfinite(K.sum()) or np.all(np.isfinite(K)):
                return K
            weights = left * left
        raise weights_overflow_error(weights, self.entry_bound())

    def cross_dot(self, A, coef):
        """:math:`K(A, X)\\,c` by row blocks of about 2 MB: finite, or a named error."""
        rows = block_rows(self.n, A.dtype.itemsize)
        coef = coef.astype(A.dtype, copy=False)
        out = np.empty((A.shape[0],) + coef.shape[1:], dtype=A.dtype)
        with blas_threads_for(A.shape[0] * self.n), np.errstate(all="ignore"):
            for start in range(0, A.shape[0], rows):
                block = A[start : start + rows]
                K = self.cross(block, check=False)
                part = K @ coef
                if not np.all(np.isfinite(part)):
                    self.check_finite(K, block, self.X)
                    raise ValueError(
                        "The predictions overflowed: the kernel between X and the "
                        f"training points reaches {largest_magnitude(K):.3g} and the "
                        f"dual coefficients {largest_magnitude(coef):.3g}. Scale X "
                        "as the training data was scaled."
                    )
                out[start : start + rows] = part
        return out

    def diag(self):
        """:math:`[\\kappa(x_i, x_i)]_i` in float64: the kernel's own, or row by row."""
        own = getattr(self.kernel, "diag", None)
        with np.errstate(all="ignore"):
            if own is None:
                values = row_by_row_diagonal(self._call, self.X)
            else:
                values = self._call(self.X, method=own)
        values = np.asarray(values, dtype=np.float64)
        if self.verified and values.shape != (self.n,):
            raise ValueError(
                f"The kernel {self.name} returned a diagonal of shape "
                f"{values.shape} for {self.n} samples; diag(X) must return the "
                "vector [k(x_i, x_i)] of shape (n_samples,)."
            )
        if not np.all(np.isfinite(values)):
            raise self.overflow_error(self.X)
        return values

    def entry_bound(self):
        """An upper bound of :math:`|K_{ij}|` over the blocks the fit computed.

        For a positive semi-definite kernel, :math:`|K_{ij}| \\le
        \\sqrt{K_{ii} K_{jj}} \\le \\max_i K_{ii}` (Cauchy-Schwarz in the
        feature space); for other kernels, the largest entry recorded.
        """
        if self.verified:
            return max(self._block_maxima, default=0.0)
        return largest_magnitude(self.diag())

    def check_new_points(self, X, n_train):
        """Nothing to check before validation: ``X`` holds points (see subclass)."""

    def check_symmetric(self, K):
        """Check a square block the fit computed, unless the kernel is the package's."""
        if self.verified:
            _check_symmetric(K, "The kernel", f" (kernel {self.name})")

    def check_finite(self, K, *points):
        """Raise :meth:`overflow_error` unless every entry of ``K`` is finite.

        The sum of ``K`` (one pass, no temporary) is finite exactly when no
        entry is NaN or infinite, unless finite entries sum beyond the range
        of the dtype: only then are the entries tested one by one.
        """
        with np.errstate(all="ignore"):
            if np.isfinite(K.sum()) or np.all(np.isfinite(K)):
                return
        raise self.overflow_error(*points)

    def overflow_error(self, *points):
        """The ``ValueError`` for non-finite kernel values on finite ``points``."""
        top = max((largest_magnitude(p) for p in points if p is not None), default=0.0)
        if self.verified:
            return ValueError(
                f"The kernel {self.name} returned non-finite values (NaN or inf) "
                f"on points with values up to {top:.3g}. Check the kernel "
                "function and its parameters, or scale X (e.g. with "
                "StandardScaler)."
            )
        return ValueError(
            f"{self.what} overflowed ({self.name} on values up to {top:.3g}): "
            "scale X, e.g. with StandardScaler, or choose kernel parameters "
            "that keep it finite."
        )

    def _call(self, *arrays, method=None):
        """``kernel(*arrays)``; a verified kernel's exception names the kernel."""
        method = self.kernel if method is None else method
        if not self.verified:
            return method(*arrays)
        try:
            return method(*arrays)
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:
            kind = TypeError if isinstance(exc, TypeError) else ValueError
            raise kind(
                f"The kernel {self.name} raised {type(exc).__name__}: {exc}. Fix "
                "the kernel (sklearn_mathdl.utils.check_kernel tests one) or "
                "choose another."
            ) from exc

    def _verified(self, K, A, B):
        """``K`` as a real matrix of shape ``(len(A), len(B))`` with finite entries."""
        expected = (A.shape[0], B.shape[0])
        try:
            K = K.toarray() if sparse.issparse(K) else np.asarray(K)
        except (TypeError, ValueError):
            K = np.empty((0,), dtype=object)
        if K.shape != expected or K.dtype.kind not in "biuf":
            raise ValueError(
                f"The kernel {self.name} returned an array of shape {K.shape} and "
                f"dtype {K.dtype} for inputs of {A.shape[0]} and {B.shape[0]} "
                f"samples; expected real numbers of shape {expected}. A kernel "
                "must be vectorised: k(X, Y) -> matrix."
            )
        largest = largest_magnitude(K)
        if not np.isfinite(largest):
            raise self.overflow_error(A, B)
        self._block_maxima.append(largest)
        return K if K.dtype == A.dtype else K.astype(A.dtype)


class PrecomputedKernelMatrix(KernelMatrix):
    """:math:`K` given as ``X`` (``kernel="precomputed"``): blocks by indexing.

    The points are the rows of :math:`K`: a new point is its row of kernel
    values against the training points, so ``cross(A, cols)`` is
    ``A[:, cols]``. ``X`` was validated finite; every square block the fit
    takes of it is checked for symmetry.

    Parameters
    ----------
    X : ndarray of shape (n, n) or None
        The training kernel matrix (None in ``predict``, which needs only
        ``columns``).
    columns : ndarray of int, default=None
        The training points a fitted model keeps (Nyström centres); None: all.
    """

    def __init__(self, X, columns=None):
        if X is not None and X.shape[0] != X.shape[1]:
            raise ValueError(
                "With kernel='precomputed', X must be the square kernel matrix "
                f"of the training samples; got shape {X.shape}."
            )
        super().__init__(Precomputed(), X, verified=False, name="'precomputed'")
        self.columns = columns

    @property
    def n(self):
        return self.X.shape[0] if self.columns is None else len(self.columns)

    def check_new_points(self, X, n_train):
        """``X`` must be the kernel between new points and the training points."""
        try:
            shape = np.shape(X)
        except ValueError:  # ragged lists: validation names them
            return
        if len(shape) != 2 or shape[1] != n_train:
            raise ValueError(
                "With kernel='precomputed', X must be the kernel between the "
                f"samples and the {n_train} training samples; got shape {shape}."
            )

    def points(self, index):
        """The points ``index``: their indices (a precomputed ``centers_``)."""
        return np.asarray(index)

    def cross(self, A, cols=None, check=True):
        cols = self.columns if cols is None else cols
        return A if cols is None else np.ascontiguousarray(A[:, cols])

    def support(self, index):
        return PrecomputedKernelMatrix(None, columns=np.asarray(index))

    def _panel(self, r0, r1):
        return np.array(self.X[r0:r1, r0:], order="F", copy=True)

    def _full(self):
        return np.array(self.X, copy=True)

    def diag(self):
        return np.diag(self.X).astype(np.float64)

    def entry_bound(self):
        return largest_magnitude(self.X)

    def check_symmetric(self, K):
        _check_symmetric(K, "X, the precomputed kernel matrix,")
