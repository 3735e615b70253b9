r"""Weighted ridge least squares with an unpenalised intercept, by (P)CG.

The problem

.. math::

    \min_{b, \theta}\ \sum_i s_i (y_i - b - c_i^\top \theta)^2
    + \alpha \|\theta\|^2

is solved exactly in :math:`b` for any :math:`\theta`:
:math:`b = \bar y - \bar c^\top \theta` with the weighted means
:math:`\bar c = C^\top s / \textstyle\sum_i s_i`,
:math:`\bar y = s^\top y / \textstyle\sum_i s_i`. What is left is ridge on the
centred design :math:`\tilde C = C - \mathbf 1 \bar c^\top`, whose normal
equations are

.. math::

    (\tilde C^\top S \tilde C + \alpha I)\, \theta = \tilde C^\top S (y - \bar y).

:math:`\tilde C` is never formed (it would be dense): it is applied as
:math:`\tilde C v = C v - \mathbf 1 (\bar c^\top v)`, and since
:math:`\mathbf 1^\top S \tilde C = 0`,
:math:`\tilde C^\top S \tilde C v = C^\top u - \bar c\, (\mathbf 1^\top u)`
with :math:`u = S (C v - \mathbf 1 \bar c^\top v)`: two sparse products per
iteration, split over row blocks run in threads by
:func:`sklearn_mathdl.utils._threads.map_row_blocks` (scipy releases the GIL
in its sparse products).

Conjugate gradient is preconditioned by the Jacobi diagonal

.. math::

    d_w = (\tilde C^\top S \tilde C)_{ww} + \alpha
        = \sum_i s_i c_{iw}^2 - \Big(\sum_i s_i\Big) \bar c_w^2 + \alpha,

one pass over the nonzeros, given to :func:`scipy.sparse.linalg.cg` as its
preconditioner ``M``, the operator as a
:class:`~scipy.sparse.linalg.LinearOperator`. Word frequencies of a Zipf vocabulary span orders
of magnitude, so the columns' norms do, and the unpreconditioned system is
badly conditioned; scaling by :math:`D^{-1/2}` equilibrates the columns.

With :math:`\alpha = 0` the normal equations may be singular (unseen or
co-occurring words). Unpreconditioned CG started at 0 keeps its iterates in
the Krylov space of :math:`\tilde C^\top S \tilde C`, which lies in the row
space of :math:`\tilde C`, so its limit is the *minimum-norm* least-squares
solution. Jacobi-preconditioned CG instead converges to the solution of
minimum :math:`\|D^{1/2}\theta\|`; ``solver="auto"`` therefore uses plain CG
when :math:`\alpha = 0` and PCG otherwise.

References
----------
Hestenes, M. R. & Stiefel, E. (1952). Methods of conjugate gradients for
solving linear systems. J. Res. Nat. Bur. Standards 49(6), 409–436.

Saad, Y. (2003). Iterative Methods for Sparse Linear Systems, 2nd ed., SIAM,
§9.2 (preconditioned CG) and §10.2 (Jacobi preconditioning).
"""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, cg

from sklearn_mathdl.utils._threads import (
    blas_thread_limit,
    blas_threads,
    map_row_blocks,
)

# Row blocks smaller than this are not worth a thread.
_MIN_NNZ_PER_THREAD = 200_000


def _row_block(X, a, b):
    """Rows ``a:b`` of the CSR matrix ``X``, sharing its data and indices."""
    lo, hi = X.indptr[a], X.indptr[b]
    return sp.csr_matrix(
        (X.data[lo:hi], X.indices[lo:hi], X.indptr[a : b + 1] - lo),
        shape=(b - a, X.shape[1]),
        copy=False,
    )


def _weighted_column_sums(X, sample_weight, unit_weights):
    """:math:`C^\\top s` and :math:`\\sum_i s_i c_{iw}^2`, one pass each."""
    p = X.shape[1]
    if unit_weights:  # spares two products over the nonzeros
        col_sw = np.bincount(X.indices, weights=X.data, minlength=p)
        col_sq = np.bincount(X.indices, weights=X.data * X.data, minlength=p)
    else:
        s_nz = np.repeat(sample_weight, np.diff(X.indptr))
        col_sw = np.bincount(X.indices, weights=X.data * s_nz, minlength=p)
        col_sq = np.bincount(X.indices, weights=X.data**2 * s_nz, minlength=p)
    return col_sw, col_sq


class CenteredDesign:
    """The operator :math:`v \\mapsto \\tilde C^\\top S \\tilde C v` of a CSR design.

    Parameters
    ----------
    X : csr_matrix of shape (n_samples, n_features), float64
    sample_weight : ndarray of shape (n_samples,)
    fit_intercept : bool
    n_threads : int
        Row blocks multiplied in parallel threads.

    Attributes
    ----------
    x_mean : ndarray of shape (n_features,)
        Weighted column means :math:`\\bar c` (zeros without intercept).
    diag : ndarray of shape (n_features,)
        :math:`\\operatorname{diag}(\\tilde C^\\top S \\tilde C)`.
    entry_bound : float or None
        With unit weights, :math:`\\max_w (\\sum_i c_{iw}^2)^{1/2}`, a bound on
        the magnitude of every entry of ``X`` (None otherwise).
    """

    def __init__(self, X, sample_weight, fit_intercept=True, n_threads=1):
        self.X = X
        self.s = sample_weight
        self.sw_sum = float(sample_weight.sum())
        self.unit_weights = bool(np.all(sample_weight == 1.0))
        col_sw, col_sq = _weighted_column_sums(X, sample_weight, self.unit_weights)
        self.entry_bound = (
            float(np.sqrt(col_sq.max(initial=0.0))) if self.unit_weights else None
        )
        self.fit_intercept = fit_intercept
        if fit_intercept:
            self.x_mean = col_sw / self.sw_sum
            diag = col_sq - self.sw_sum * self.x_mean**2
            # cancellation can leave tiny negatives on constant columns
            self.diag = np.maximum(diag, 0.0)
        else:
            self.x_mean = np.zeros(X.shape[1])
            self.diag = col_sq
        n_threads = max(1, min(n_threads, X.nnz // _MIN_NNZ_PER_THREAD))
        rows = np.searchsorted(
            X.indptr, np.linspace(0, X.nnz, n_threads + 1)[1:-1]
        ).tolist()
        bounds = [0, *rows, X.shape[0]]
        self.blocks = {
            (a, b): _row_block(X, a, b)
            for a, b in zip(bounds[:-1], bounds[1:])
            if b > a
        }
        self.n_threads = len(self.blocks)

    def rhs(self, y):
        """:math:`\\tilde C^\\top S (y - \\bar y)` and :math:`\\bar y`."""
        y_mean = float(self.s @ y) / self.sw_sum if self.fit_intercept else 0.0
        u = self.s * (y - y_mean)
        return self.X.T @ u - self.x_mean * u.sum(), y_mean

    def _block(self, bounds, v, shift):
        a, b = bounds
        Xb = self.blocks[bounds]
        u = Xb @ v
        u -= shift
        if not self.unit_weights:
            u *= self.s[a:b]
        return Xb.T @ u, u.sum()

    def matvec(self, v):
        shift = float(self.x_mean @ v)
        parts = map_row_blocks(
            lambda bounds: self._block(bounds, v, shift),
            self.blocks,
            workers=self.n_threads,
        )
        out = parts[0][0]
        total = parts[0][1]
        for vec, tot in parts[1:]:
            out += vec
            total += tot
        out -= self.x_mean * total
        return out


class GramDesign:
    """The same operator from accumulated sufficient statistics.

    ``G`` is :math:`C^\\top S C` (sparse, ``(p, p)``), ``col_sw`` is
    :math:`C^\\top s`, ``sw_sum`` is :math:`\\sum_i s_i`;
    :math:`\\tilde C^\\top S \\tilde C = G - (\\sum_i s_i)\\, \\bar c \\bar c^\\top`
    is applied without forming the rank-one term.
    """

    def __init__(self, G, col_sw, sw_sum, fit_intercept=True):
        self.G = G.tocsr()
        self.sw_sum = float(sw_sum)
        self.fit_intercept = fit_intercept
        self.x_mean = col_sw / self.sw_sum if fit_intercept else np.zeros(G.shape[0])
        diag = self.G.diagonal() - self.sw_sum * self.x_mean**2
        self.diag = np.maximum(diag, 0.0)
        self.n_threads = 1

    def rhs(self, xsy, sy):
        """:math:`\\tilde C^\\top S (y - \\bar y)` from :math:`C^\\top S y` and :math:`s^\\top y`."""
        y_mean = sy / self.sw_sum if self.fit_intercept else 0.0
        return xsy - self.sw_sum * self.x_mean * y_mean, y_mean

    def matvec(self, v):
        return self.G @ v - self.sw_sum * self.x_mean * float(self.x_mean @ v)


class _Breakdown(Exception):
    """Conjugate gradient met a direction of curvature <= 0 (or NaN)."""


class _CGRecord:
    """The operators handed to :func:`scipy.sparse.linalg.cg`, recording its run.

    scipy's ``cg`` passes its residual :math:`r` to the preconditioner at the
    start of every iteration and updates that same array in place
    (``r -= alpha * q``); the record keeps a reference to it and reads its
    norm after each iteration (the callback), so that the residual history
    costs no extra product. The operator stops the run (``_Breakdown``) on a
    direction of curvature :math:`p^\\top A p \\le 0`, where scipy would
    divide by zero: in exact arithmetic that means the residual is already 0
    (or the system singular and inconsistent).
    """

    def __init__(self, design, alpha, inv_d, b, x0):
        self.design, self.alpha, self.inv_d = design, alpha, inv_d
        self.b_norm = float(np.linalg.norm(b))
        self.x = np.zeros(b.shape[0]) if x0 is None else np.array(x0, dtype=float)
        # scipy first computes b - A x0 when x0 has a nonzero: not a direction
        self.residual_call = bool(self.x.any())
        self.r = None
        self.residuals = []

    def operator(self, v):
        Av = self.design.matvec(v)
        Av += self.alpha * v
        if self.residual_call:
            self.residual_call = False
        elif not float(v @ Av) > 0.0:
            raise _Breakdown
        return Av

    def precondition(self, r):
        if self.r is None:
            self.r = r
            self.residuals.append(float(np.linalg.norm(r)) / self.b_norm)
        return r if self.inv_d is None else r * self.inv_d

    def iteration(self, x):
        self.x = x
        self.residuals.append(float(np.linalg.norm(self.r)) / self.b_norm)


def conjugate_gradient(
    design, b, alpha, *, precondition=True, tol=1e-6, max_iter=1000, x0=None
):
    r"""Solve :math:`(A + \alpha I)\theta = b`, :math:`A` = ``design.matvec``.

    :func:`scipy.sparse.linalg.cg` with the operator as a
    :class:`~scipy.sparse.linalg.LinearOperator` and, with ``precondition``,
    the Jacobi preconditioner :math:`M = \operatorname{diag}(A + \alpha I)^{-1}`.
    Stops when :math:`\|b - (A + \alpha I)\theta\| < \mathrm{tol}\,\|b\|`.

    Returns
    -------
    theta : ndarray
    n_iter : int
    residuals : list of float
        Relative residual norm after each iteration (the first entry is the
        starting point's).
    converged : bool
    """
    p = b.shape[0]
    b_norm = float(np.linalg.norm(b))
    if b_norm == 0.0:
        return np.zeros(p), 0, [0.0], True
    inv_d = None
    if precondition:
        d = design.diag + alpha
        inv_d = np.divide(1.0, d, out=np.zeros(p), where=d > 0)
    record = _CGRecord(design, alpha, inv_d, b, x0)
    shape = (p, p)
    # Level-1 BLAS (dot products of length p) only loses to threading: the
    # parallelism is in the sparse products, over row blocks.
    with blas_threads(1):
        try:
            cg(
                LinearOperator(shape, matvec=record.operator, dtype=np.float64),
                b,
                x0=x0,
                rtol=tol,
                atol=0.0,
                maxiter=max_iter,
                M=LinearOperator(shape, matvec=record.precondition, dtype=np.float64),
                callback=record.iteration,
            )
        except _Breakdown:
            pass
    if not record.residuals:  # converged at x0: scipy never asked for M
        r = b - design.matvec(record.x) - alpha * record.x
        record.residuals.append(float(np.linalg.norm(r)) / b_norm)
    residuals = record.residuals
    return record.x, len(residuals) - 1, residuals, residuals[-1] <= tol


def matvec_threads(n_jobs):
    """Threads for the sparse products: ``n_jobs`` (all cores when None),
    capped by the cores and any thread limit in force."""
    wanted = None if n_jobs is None or n_jobs < 0 else n_jobs
    return blas_thread_limit(wanted)


def gram_statistics(X, y, sample_weight):
    """Sufficient statistics of one batch: :math:`C^\\top S C`, :math:`C^\\top s`,
    :math:`C^\\top S y`, :math:`s^\\top y`, :math:`\\sum s`."""
    Xs = sp.csr_matrix(X.multiply(sample_weight[:, None]))
    return {
        "G": (X.T @ Xs).tocsr(),
        "col_sw": np.asarray(Xs.sum(axis=0)).ravel(),
        "xsy": Xs.T @ y,
        "sy": float(sample_weight @ y),
        "sw_sum": float(sample_weight.sum()),
    }
