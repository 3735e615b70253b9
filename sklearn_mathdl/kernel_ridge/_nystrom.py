r"""FALKON: Nyström centres and preconditioned conjugate gradient.

Restricting :math:`f` to the span of :math:`m` centres,
:math:`f = \sum_j c_j \kappa(\cdot, \tilde x_j)`, turns the weighted kernel
ridge problem :math:`\sum_i w_i (y_i - f(x_i))^2 + \alpha \|f\|_H^2` into the
:math:`m \times m` system

.. math::

    H c = K_{nm}^\top W y,\qquad H = K_{nm}^\top W K_{nm} + \alpha K_{mm}.

FALKON (Rudi, Carratino & Rosasco 2017, Algorithm 1) solves it by conjugate
gradient with the preconditioner :math:`B = T^{-1} A^{-1}` where
:math:`T^\top T = K_{mm}` and :math:`A^\top A = T T^\top / m + \lambda I`,
:math:`\lambda = \alpha / \sum_i w_i`: since
:math:`K_{nm}^\top W K_{nm} \approx (\sum_i w_i / m) K_{mm}^2`, the
preconditioned operator

.. math::

    B^\top H B / {\textstyle\sum_i w_i} = A^{-\top}\Big(
    T^{-\top} \frac{K_{nm}^\top W K_{nm}}{\sum_i w_i} T^{-1} + \lambda I\Big) A^{-1}

is close to the identity and CG converges in a few iterations, each one pass
over :math:`K_{nm}` (its row blocks kept as far as the memory limit allows,
in float32 when only that fits, the others recomputed): :math:`O(nmt)` time
and :math:`O(n + m^2)` memory beyond the kept blocks. An unpenalised
intercept :math:`b` is eliminated exactly: :math:`b = \bar y - \bar k^\top c`
with weighted means :math:`\bar y` and :math:`\bar k = K_{nm}^\top w / \sum w`,
which subtracts the rank-one term :math:`(\sum w)\, \bar k \bar k^\top` from
:math:`H`.
"""

import functools
import math
import threading

import numpy as np
from scipy.linalg import cho_factor, cho_solve, cholesky, solve_triangular
from scipy.linalg.blas import dsyrk as syrk

from sklearn_mathdl.kernel_ridge._kernel_matrix import block_rows
from sklearn_mathdl.utils._threads import blas_thread_limit, map_row_blocks

# Non-finite values are detected by the solver's own checks (and named).
_triangular = functools.partial(solve_triangular, check_finite=False)

# Size of the uniform sample estimating K_nm^T K_nm in the preconditioner, in
# multiples of the number of centres (FALKON's own estimate is 1).
SKETCH = 8
# float32 storage of K_nm (see storage_dtype): CG tolerances from FLOAT32_TOL
# up, kernel entries below FLOAT32_SAFE, pivots from FLOAT32_PIVOT up.
FLOAT32_TOL = 1e-6
FLOAT32_SAFE = 1e30
FLOAT32_PIVOT = 1e-5
# KernelColumns.reduce: groups of blocks per thread (balance against overhead).
GROUPS_PER_THREAD = 4


class KernelColumns:
    """The matrix :math:`K(X, C)` visited by row blocks, stored or recomputed.

    ``matrix`` is the :class:`~._kernel_matrix.KernelMatrix` of the data,
    ``support`` that of the centres :math:`C` (``matrix.support(idx)``).
    The leading row blocks that fit ``memory`` bytes are kept in memory, in
    the dtype ``storage`` (default: the data's; see :func:`storage_dtype`),
    and served in the data's dtype; the others are recomputed at each pass,
    each one used for all its products while it is in cache. Passes run on
    :func:`~sklearn_mathdl.utils._threads.map_row_blocks`'s threads, each
    with a single-threaded BLAS (the element-wise work of a kernel, e.g. the
    exponential, is then parallel too). Blocks are not checked for finiteness
    here: FALKON's first pass does that for free.
    """

    def __init__(self, matrix, support, memory=0, storage=None):
        self.matrix = matrix
        self.support = support
        self.storage = np.dtype(matrix.dtype if storage is None else storage)
        size = block_rows(support.n, matrix.dtype.itemsize)
        self.bounds = [(i, min(i + size, matrix.n)) for i in range(0, matrix.n, size)]
        rows_stored = memory // max(1, support.n * self.storage.itemsize)
        n_stored = sum(stop <= rows_stored for _, stop in self.bounds)
        self.blocks = map_row_blocks(self._stored, self.bounds[:n_stored])
        self._local = threading.local()

    @property
    def stored_fraction(self):
        """Fraction of the rows whose kernel columns are kept in memory."""
        stored = self.bounds[len(self.blocks) - 1][1] if self.blocks else 0
        return stored / max(1, self.matrix.n)

    def _stored(self, bounds):
        return self._compute(bounds).astype(self.storage, copy=False)

    def _compute(self, bounds):
        start, stop = bounds
        rows = self.matrix.X[start:stop]
        return self.support.cross(rows, check=False)

    def block(self, k):
        """Row block ``k`` in the data's dtype (a stored float32 block is widened).

        The coefficients CG multiplies by can be large and cancel: products
        are formed in the data's dtype, on a per-thread buffer (cache-sized,
        reused), never by rounding the coefficients to the storage dtype.
        """
        if k >= len(self.blocks):
            return self._compute(self.bounds[k])
        stored = self.blocks[k]
        if stored.dtype == self.matrix.dtype:
            return stored
        buffer = getattr(self._local, "buffer", None)
        if buffer is None or buffer.size < stored.size:
            buffer = self._local.buffer = np.empty(stored.size, self.matrix.dtype)
        wide = buffer[: stored.size].reshape(stored.shape)
        np.copyto(wide, stored)
        return wide

    def reduce(self, fn):
        """``sum_k fn(block_k, start, stop)`` over the row blocks.

        The blocks are dealt round-robin to a few groups (four per thread),
        each summed on one thread: a handful of tasks and partial sums per
        pass instead of one per block (thousands at :math:`n = 10^6`), and
        kept and recomputed blocks spread evenly over the threads.
        """
        n_groups = min(len(self.bounds), GROUPS_PER_THREAD * blas_thread_limit())

        def group_sum(g):
            total = 0.0
            with np.errstate(all="ignore"):  # overflow is detected by the caller
                for k in range(g, len(self.bounds), n_groups):
                    total = total + fn(self.block(k), *self.bounds[k])
            return total

        parts = map_row_blocks(group_sum, range(n_groups))
        total = parts[0]
        for part_sum in parts[1:]:
            total = total + part_sum
        return total

    def overflow_error(self, describe, quantity):
        """The kernel's overflow error if a block is not finite, else ``describe``'s."""
        for k, (start, stop) in enumerate(self.bounds):
            self.support.check_finite(self.block(k), self.matrix.X[start:stop])
        return describe(quantity)


def _jittered_cholesky(K, what):
    """Upper ``T`` with ``T^T T = K + eps I``, the smallest jitter that works."""
    scale = max(float(np.mean(np.diag(K))), np.finfo(np.float64).tiny)
    jitter = 10 * np.finfo(np.float64).eps * K.shape[0] * scale
    for _ in range(12):
        shifted = K + jitter * np.eye(K.shape[0])
        if not np.all(np.isfinite(shifted)):
            raise ValueError(
                f"{what} overflowed (entries up to {np.abs(K).max():.3g}): scale X "
                "(e.g. with StandardScaler) or use solver='cholesky'."
            )
        try:
            return cholesky(shifted, lower=False, check_finite=False)
        except np.linalg.LinAlgError:
            jitter *= 10
    raise ValueError(
        f"{what} is not positive definite even with a jitter of 1e-4 times its "
        "mean diagonal: the kernel is not positive semi-definite. Use "
        "solver='cholesky'."
    )


def power_of_two_scale(values, axis=None):
    """:math:`2^e` with :math:`\\max|v| / 2^e \\in [1/2, 1)` (1 for zeros).

    Dividing by a power of two is exact in binary floating point: a linear
    method run on the scaled values gives the same bits, scaled, and its
    squares cannot overflow.
    """
    top = np.max(np.abs(values), axis=axis)
    return np.ldexp(1.0, np.frexp(np.where(np.isfinite(top), top, 0.0))[1])


def falkon(columns, factors, Y, w, alpha, fit_intercept, max_iter, tol, *, overflow):
    """Solve :math:`H c = K_{nm}^\\top W y` by preconditioned CG (all targets).

    ``factors = (T, cov)`` from :func:`preconditioner_factors`.
    ``overflow(quantity)`` returns the error to raise when ``quantity`` is
    not finite.

    Returns ``(C, intercept, n_iter)``; ``C`` has shape ``(m, n_targets)``.
    """
    T, cov = factors
    m = T.shape[0]
    sw = float(w.sum())
    if not np.isfinite(sw):
        raise overflow("sum of sample_weight")
    lam = alpha / sw  # one value per target

    moments = _first_pass(columns, Y, w, overflow)
    rhs, k_bar = moments[:, :-1], moments[:, -1] / sw
    y_bar = (w @ Y) / sw
    if fit_intercept:
        rhs = rhs - sw * np.outer(k_bar, y_bar)
    if not (np.all(np.isfinite(rhs)) and np.all(np.isfinite(y_bar))):
        raise overflow("right-hand side K_nm^T W (y - mean(y))")

    def apply_H(U):
        """``(K_nm^T W K_nm) U`` (minus the intercept's rank-one term) / sum(w)."""

        def part(K, a, b):
            V = K @ U.astype(K.dtype, copy=False)
            V *= w[a:b, None].astype(K.dtype, copy=False)
            return (K.T @ V).astype(np.float64)

        out = columns.reduce(part)
        if fit_intercept:
            out -= sw * np.outer(k_bar, k_bar @ U)
        return out / sw

    n_targets = Y.shape[1]
    C = np.zeros((m, n_targets))
    n_iter = 0
    # One preconditioned CG per distinct alpha (the preconditioner depends on it).
    for lam_value in np.unique(lam):
        cols = np.flatnonzero(lam == lam_value)
        TT = cov.copy()
        TT.flat[:: m + 1] += lam_value
        A = _jittered_cholesky(TT, "FALKON's preconditioner")

        def precond_op(Beta, A=A, lam_value=lam_value):
            V = _triangular(A, Beta, lower=False)
            U = _triangular(T, V, lower=False)
            G = apply_H(U)
            G = _triangular(T, G, lower=False, trans="T") + lam_value * V
            return _triangular(A, G, lower=False, trans="T")

        R0 = _triangular(T, rhs[:, cols] / sw, lower=False, trans="T")
        R0 = _triangular(A, R0, lower=False, trans="T")
        Beta, iters = _conjugate_gradient(precond_op, R0, max_iter, tol, overflow)
        n_iter = max(n_iter, iters)
        C[:, cols] = _triangular(T, _triangular(A, Beta, lower=False), lower=False)
    intercept = np.zeros(n_targets)
    if fit_intercept:
        intercept = y_bar - k_bar @ C
    return C, intercept, n_iter


def _first_pass(columns, Y, w, overflow):
    """:math:`[K_{nm}^\\top W y,\\ K_{nm}^\\top w]` in one pass, checked finite.

    Any non-finite kernel entry of a row of positive weight makes the second
    part non-finite, so this pass also checks the kernel columns, for free.
    """

    def part(K, a, b):
        wb = w[a:b]
        return np.hstack(
            [K.T @ (wb[:, None] * Y[a:b]).astype(K.dtype), (K.T @ wb)[:, None]]
        ).astype(np.float64)

    moments = columns.reduce(part)
    if not np.all(np.isfinite(moments)):
        raise overflow("right-hand side K_nm^T W y")
    return moments


def preconditioner_factors(K_mm, sketch, fit_intercept):
    """``(T, cov)``: :math:`T^\\top T = K_{mm}` and FALKON's :math:`T T^\\top / m`.

    With ``sketch = (K_sm, w_s)``, the kernel rows of a uniform sample of
    ``s >= m`` training points and their weights, ``cov`` is the estimate
    :math:`Z^\\top W_s Z / \\sum w_s` of :math:`T^{-\\top} K_{nm}^\\top W
    K_{nm} T^{-1} / \\sum w`, :math:`Z = K_{sm} T^{-1}` (centred by its
    weighted mean with an intercept): FALKON's estimate uses the centres
    themselves; a larger sample makes the preconditioned operator closer to
    the identity.
    """
    T = _jittered_cholesky(K_mm, "The kernel matrix of the Nyström centres")
    if sketch is None:
        return T, T @ T.T / T.shape[0]
    K_sm, w_s = sketch
    Z = _triangular(T, K_sm.T, lower=False, trans="T").T  # K_sm T^-1
    if fit_intercept:
        Z -= (w_s @ Z) / w_s.sum()
    Z *= np.sqrt(w_s)[:, None]
    return T, _gram(Z) / w_s.sum()


def _gram(Z):
    """:math:`Z^\\top Z` by one ``dsyrk`` (half the work of a GEMM), symmetrised."""
    upper = syrk(1.0, Z.T, trans=0)  # Z.T is Fortran-ordered: no copy
    return np.triu(upper) + np.triu(upper, 1).T


def _conjugate_gradient(op, B, max_iter, tol, overflow):
    """CG on the SPD operator ``op`` for every column of ``B`` at once.

    Each column is divided by a power of two (exact) so that its largest
    entry is below 1: the squared norms cannot overflow, whatever the scale
    of :math:`y`, and the iterates are the unscaled ones, scaled.
    """
    if not np.all(np.isfinite(B)):
        raise overflow("preconditioned right-hand side")
    scale = power_of_two_scale(B, axis=0)
    B = B / scale
    X = np.zeros_like(B)
    R = B.copy()
    P = R.copy()
    rr = np.einsum("ij,ij->j", R, R)
    b_norm = np.sqrt(np.einsum("ij,ij->j", B, B))
    b_norm[b_norm == 0] = 1.0
    n_iter = 0
    while n_iter < max_iter and not np.all(np.sqrt(rr) <= tol * b_norm):
        AP = op(P)
        pAp = np.einsum("ij,ij->j", P, AP)
        if not np.all(np.isfinite(pAp)):
            raise overflow("conjugate-gradient iteration (K_nm^T W K_nm p)")
        step = np.divide(rr, pAp, out=np.zeros_like(rr), where=pAp > 0)
        X += step * P
        R -= step * AP
        rr_new = np.einsum("ij,ij->j", R, R)
        beta = np.divide(rr_new, rr, out=np.zeros_like(rr), where=rr > 0)
        P = R + beta * P
        rr = rr_new
        n_iter += 1
    return X * scale, n_iter


def leverage_scores(columns_pilot, K_pp, diag, alpha):
    r"""Approximate ridge leverage scores from a uniform pilot set of centres.

    :math:`\ell_i(\lambda) = \big(k(x_i,x_i) - k_i^\top (K_{pp} + \lambda n
    I)^{-1} k_i\big)/(\lambda n)` (Alaoui & Mahoney 2015; Rudi et al. 2018),
    with :math:`k_i` the kernel between :math:`x_i` and the pilot centres.
    """
    p = K_pp.shape[0]
    reg = max(alpha, 1e-10 * max(1.0, float(np.trace(K_pp)) / p))
    factor = cho_factor(K_pp + reg * np.eye(p), lower=False)

    scores = np.zeros(len(diag))

    def part(K, a, b):
        Kd = K.astype(np.float64, copy=False)
        quad = np.einsum("ij,ij->i", Kd, cho_solve(factor, Kd.T).T)
        scores[a:b] = np.maximum(diag[a:b] - quad, 0.0) / reg
        return 0.0

    columns_pilot.reduce(part)
    return scores


def auto_centers(n, constant=3.0):
    """``n_centers="auto"``: :math:`m = \\min(n, \\lceil c\\sqrt n\\rceil)`."""
    return int(min(n, math.ceil(constant * math.sqrt(n))))


def sample_centres(matrix, candidates, m, alpha, leverage, rng):
    """Sorted indices of ``m`` centres among ``candidates`` (positive weight).

    Uniformly, or (``leverage``) proportionally to approximate ridge leverage
    scores from a uniform pilot set of ``m`` points.
    """
    if not leverage or m >= candidates.size:
        return np.sort(rng.choice(candidates, size=m, replace=False))
    pilot = np.sort(rng.choice(candidates, size=m, replace=False))
    columns = KernelColumns(matrix, matrix.support(pilot))
    K_pp = centre_kernel(matrix, pilot)
    scores = leverage_scores(columns, K_pp, matrix.diag(), alpha)
    if not np.all(np.isfinite(scores)):
        raise columns.overflow_error(_no_other_cause, "leverage scores")
    scores = scores[candidates] + 1e-12 * max(scores.max(), 1e-300)
    scores /= power_of_two_scale(scores)  # exact: the sum cannot overflow
    idx = rng.choice(candidates, size=m, replace=False, p=scores / scores.sum())
    return np.sort(idx)


def centre_kernel(matrix, idx):
    """:math:`K_{mm}` of the centres ``idx`` in float64, checked and symmetrised."""
    K = np.asarray(matrix.block(idx, idx), dtype=np.float64)
    matrix.check_symmetric(K)
    return (K + K.T) / 2


def _no_other_cause(quantity):
    return ValueError(
        f"The {quantity} of the Nyström centres overflowed: scale X (e.g. with "
        "StandardScaler)."
    )


def storage_dtype(matrix, T, memory, tol):
    """The dtype in which :class:`KernelColumns` keeps :math:`K_{nm}`.

    The data's, unless :math:`K_{nm}` of float64 data does not fit
    ``memory`` bytes: then float32, which holds twice the columns, when

    - the kernel is one of the package's own or precomputed, with entries
      bounded (:meth:`~._kernel_matrix.KernelMatrix.entry_bound`) far below
      float32's range;
    - ``tol >= FLOAT32_TOL``;
    - the smallest pivot :math:`T_{jj}^2` of the centres' Cholesky factor is
      at least ``FLOAT32_PIVOT`` times their mean diagonal: the
      preconditioner multiplies a rounding of the entries by up to
      :math:`\\max_j T_{jj}^{-2}` (measured: on 8 features, pivots above
      :math:`10^{-4}` and float32 moving the predictions by as little as the
      tolerance; on 3 features with 300 centres, pivots of
      :math:`10^{-11}` and CG slowed from 6 to 44 iterations).
    """
    if (
        matrix.dtype != np.float64
        or matrix.n * T.shape[0] * 8 <= memory
        or matrix.verified
        or tol < FLOAT32_TOL
    ):
        return matrix.dtype
    pivots = np.diag(T) ** 2
    mean_diagonal = np.einsum("ij,ij->", T, T) / T.shape[0]  # of T^T T = K_mm
    if not matrix.entry_bound() < FLOAT32_SAFE:
        return matrix.dtype
    if not pivots.min() >= FLOAT32_PIVOT * mean_diagonal:
        return matrix.dtype
    return np.dtype(np.float32)


def solve_nystrom(matrix, Y, w, alphas, fit_intercept, options, rng, describe):
    """FALKON on the :class:`~._kernel_matrix.KernelMatrix` ``matrix``.

    ``options`` holds the estimator's ``n_centers``, ``center_selection``,
    ``memory`` (bytes), ``max_iter`` and ``tol``; ``describe(quantity)``
    names an overflow of ``quantity`` caused by ``y`` or the weights.
    The preconditioner is formed before :math:`K_{nm}` is stored, so its
    temporaries are freed by then. Returns ``(C, intercept, centre_indices,
    n_iter)``.
    """
    n = matrix.n
    m = auto_centers(n) if options["n_centers"] == "auto" else options["n_centers"]
    candidates = np.flatnonzero(w > 0)
    m = min(m, n, candidates.size)
    leverage = options["center_selection"] == "leverage"
    idx = sample_centres(matrix, candidates, m, float(np.mean(alphas)), leverage, rng)
    sample = np.sort(
        rng.choice(candidates, size=min(candidates.size, SKETCH * m), replace=False)
    )
    sketch = (
        np.asarray(matrix.block(sample, idx), dtype=np.float64),
        w[sample].astype(np.float64),
    )
    factors = preconditioner_factors(centre_kernel(matrix, idx), sketch, fit_intercept)
    del sketch
    memory = options["memory"]
    storage = storage_dtype(matrix, factors[0], memory, options["tol"])
    columns = KernelColumns(matrix, matrix.support(idx), memory, storage)
    C, b, n_iter = falkon(
        columns,
        factors,
        Y.astype(np.float64, copy=False),
        w.astype(np.float64, copy=False),
        alphas,
        fit_intercept,
        50 if options["max_iter"] is None else options["max_iter"],
        options["tol"],
        overflow=lambda quantity: columns.overflow_error(describe, quantity),
    )
    return C.astype(matrix.dtype), b, idx, n_iter
