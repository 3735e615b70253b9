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
over :math:`K_{nm}` (formed block by block, or kept when it fits the memory
limit): :math:`O(nmt)` time and :math:`O(n + m^2)` memory. An unpenalised
intercept :math:`b` is eliminated exactly: :math:`b = \bar y - \bar k^\top c`
with weighted means :math:`\bar y` and :math:`\bar k = K_{nm}^\top w / \sum w`,
which subtracts the rank-one term :math:`(\sum w)\, \bar k \bar k^\top` from
:math:`H`.
"""

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.linalg import cho_factor, cho_solve, cholesky, solve_triangular

from sklearn_mathdl.utils._threads import blas_thread_limit, single_blas_thread


def block_rows(n_cols, itemsize, budget=2**21):
    """Rows per block so that one block of ``n_cols`` columns takes ``budget`` bytes."""
    return int(max(64, budget // max(1, n_cols * itemsize)))


class KernelColumns:
    """The matrix ``K(X, C)`` visited by row blocks, computed or stored.

    ``make_block(start, stop)`` returns the block of rows ``start:stop``.
    Blocks are kept in memory when ``store`` is true; passes run on
    ``blas_thread_limit()`` threads, each with a single-threaded BLAS (the
    element-wise work of a kernel, e.g. the exponential, is then parallel too).
    """

    def __init__(self, make_block, n, m, itemsize, store):
        self.make_block = make_block
        size = block_rows(m, itemsize)
        self.bounds = [(i, min(i + size, n)) for i in range(0, n, size)]
        self.blocks = None
        if store:
            self.blocks = self._map(lambda b: make_block(*b))

    def _map(self, fn):
        workers = blas_thread_limit()
        if workers == 1:
            return [fn(b) for b in self.bounds]
        with single_blas_thread():
            with ThreadPoolExecutor(max_workers=workers) as pool:
                return list(pool.map(fn, self.bounds))

    def block(self, k):
        if self.blocks is not None:
            return self.blocks[k]
        return self.make_block(*self.bounds[k])

    def reduce(self, fn):
        """``sum_k fn(block_k, start, stop)`` over the row blocks."""
        index = {b: k for k, b in enumerate(self.bounds)}
        parts = self._map(lambda b: fn(self.block(index[b]), *b))
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total


def _jittered_cholesky(K):
    """Upper ``T`` with ``T^T T = K + eps I``, the smallest jitter that works."""
    scale = max(float(np.mean(np.diag(K))), np.finfo(np.float64).tiny)
    jitter = 10 * np.finfo(np.float64).eps * K.shape[0] * scale
    for _ in range(12):
        try:
            return cholesky(K + jitter * np.eye(K.shape[0]), lower=False)
        except np.linalg.LinAlgError:
            jitter *= 10
    raise ValueError(
        "The kernel matrix of the Nyström centres is not positive definite even "
        "with a jitter of 1e-4 times its mean diagonal: the kernel is not "
        "positive semi-definite. Use solver='cholesky'."
    )


def falkon(columns, K_mm, Y, w, alpha, fit_intercept, max_iter, tol, sketch=None):
    """Solve :math:`H c = K_{nm}^\\top W y` by preconditioned CG (all targets).

    ``sketch = (K_sm, w_s)``: kernel rows of a uniform sample of ``s >= m``
    training points and their weights, estimating :math:`K_{nm}^\\top W
    K_{nm} / \\sum w` in the preconditioner (FALKON's estimate uses the
    centres themselves, :math:`T T^\\top / m`; a larger sample makes the
    preconditioned operator closer to the identity).

    Returns ``(C, intercept, n_iter)``; ``C`` has shape ``(m, n_targets)``.
    """
    m = K_mm.shape[0]
    sw = float(w.sum())
    lam = alpha / sw  # one value per target

    def first_pass(K, a, b):
        wb = w[a:b]
        return np.hstack(
            [K.T @ (wb[:, None] * Y[a:b]).astype(K.dtype), (K.T @ wb)[:, None]]
        ).astype(np.float64)

    moments = columns.reduce(first_pass)
    rhs, k_bar = moments[:, :-1], moments[:, -1] / sw
    y_bar = (w @ Y) / sw
    if fit_intercept:
        rhs = rhs - sw * np.outer(k_bar, y_bar)

    T = _jittered_cholesky(K_mm)
    if sketch is None:
        cov = T @ T.T / m
    else:
        K_sm, w_s = sketch
        Z = solve_triangular(T, K_sm.T, lower=False, trans="T").T  # K_sm T^-1
        if fit_intercept:
            Z = Z - (w_s @ Z) / w_s.sum()
        cov = (Z * w_s[:, None]).T @ Z / w_s.sum()

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
        A = _jittered_cholesky(TT)

        def precond_op(Beta, A=A, lam_value=lam_value):
            V = solve_triangular(A, Beta, lower=False)
            U = solve_triangular(T, V, lower=False)
            G = apply_H(U)
            G = solve_triangular(T, G, lower=False, trans="T") + lam_value * V
            return solve_triangular(A, G, lower=False, trans="T")

        R0 = solve_triangular(T, rhs[:, cols] / sw, lower=False, trans="T")
        R0 = solve_triangular(A, R0, lower=False, trans="T")
        Beta, iters = _conjugate_gradient(precond_op, R0, max_iter, tol)
        n_iter = max(n_iter, iters)
        C[:, cols] = solve_triangular(
            T, solve_triangular(A, Beta, lower=False), lower=False
        )
    intercept = np.zeros(n_targets)
    if fit_intercept:
        intercept = y_bar - k_bar @ C
    return C, intercept, n_iter


def _conjugate_gradient(op, B, max_iter, tol):
    """CG on the SPD operator ``op`` for every column of ``B`` at once."""
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
        step = np.divide(rr, pAp, out=np.zeros_like(rr), where=pAp > 0)
        X += step * P
        R -= step * AP
        rr_new = np.einsum("ij,ij->j", R, R)
        beta = np.divide(rr_new, rr, out=np.zeros_like(rr), where=rr > 0)
        P = R + beta * P
        rr = rr_new
        n_iter += 1
    return X, n_iter


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


def auto_centers(n, constant=2.0):
    """``n_centers="auto"``: :math:`m = \\min(n, \\lceil c\\sqrt n\\rceil)`."""
    return int(min(n, math.ceil(constant * math.sqrt(n))))
