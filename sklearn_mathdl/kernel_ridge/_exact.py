r"""The exact solver: :math:`(SKS + \alpha I)\,q = Sy`, :math:`p = Sq`.

With :math:`S = \operatorname{diag}(\sqrt w)` the weighted problem
:math:`\sum_i w_i (y_i - f(x_i) - b)^2 + \alpha \|f\|_H^2` has the first-order
conditions :math:`(SKS + \alpha I) q + b\, s = S y`, :math:`s^\top q = 0`
(:math:`s = \sqrt w`, the intercept's border), solved with one factor of
:math:`SKS + \alpha I` and two right-hand sides:

.. math::

    b = \frac{s^\top G S y}{s^\top G s}, \qquad q = G(Sy - b s),
    \qquad G = (SKS + \alpha I)^{-1}.

The factor is the blocked in-place Cholesky of :mod:`._cholesky`, one per
distinct ``alpha``; when the matrix is not positive definite (an indefinite
kernel, or :math:`\alpha = 0` on a singular :math:`K`) the solution is the
minimum-norm least-squares one, from one eigendecomposition shared by all
``alpha`` (:mod:`._loo`), with one warning per fit.
"""

import warnings

import numpy as np

from sklearn_mathdl.kernel_ridge._cholesky import (
    DEFAULT_BLOCK,
    panel_bounds,
    panel_cholesky,
    panel_solve,
)
from sklearn_mathdl.kernel_ridge._loo import eigen_solution, kernel_eigh


def shifted_panels(matrix, scale, alpha, block=DEFAULT_BLOCK):
    """Row panels of the upper block triangle of :math:`SKS + \\alpha I`."""
    panels = []
    for r0, r1 in panel_bounds(matrix.n, block):
        panel = matrix.panel(r0, r1, scale)
        w = r1 - r0
        panel[np.arange(w), np.arange(w)] += alpha
        panels.append(panel)
    return panels


def _bordered(sol, ones, n_cols, fit_intercept):
    """``(q, b)`` from the solutions ``G [Sy, s]`` of the bordered system."""
    Q = sol[:, :n_cols]
    b = np.zeros(n_cols)
    if fit_intercept:
        q1 = sol[:, -1]
        denom = float(ones @ q1)
        b = (ones @ Q) / denom if denom > 0 else b
        Q = Q - np.outer(q1, b)
    return Q, b


def solve_exact(matrix, Y, scale, alphas, fit_intercept):
    """Dual coefficients ``P`` (n, n_targets) and intercepts, one ``alpha`` per target.

    ``scale`` is :math:`\\sqrt w` or None (unit weights).
    """
    n, n_targets = Y.shape
    ones = np.ones(n, dtype=matrix.dtype) if scale is None else scale
    Ys = Y if scale is None else Y * scale[:, None]
    P = np.empty((n, n_targets), dtype=matrix.dtype)
    intercept = np.zeros(n_targets)
    eig = None
    indefinite = []
    block = min(DEFAULT_BLOCK, max(n, 1))
    for alpha in np.unique(alphas):
        cols = np.flatnonzero(alphas == alpha)
        rhs = Ys[:, cols]
        if fit_intercept:
            rhs = np.hstack([rhs, ones[:, None]])
        panels = shifted_panels(matrix, scale, alpha, block)
        info = panel_cholesky(panels)
        if info == 0:
            Q, b = _bordered(panel_solve(panels, rhs), ones, len(cols), fit_intercept)
            del panels
        else:
            del panels
            indefinite.append(f"leading minor {info} with alpha={alpha:g}")
            if eig is None:
                lam, V = kernel_eigh(matrix, scale)
                eig = lam, V, V.T @ Ys.astype(np.float64), V.T @ ones
            lam, V, QtY, Qts = eig
            Q, b = eigen_solution(lam, V, QtY[:, cols], Qts, ones, alpha, fit_intercept)
        P[:, cols] = Q if scale is None else Q * scale[:, None]
        intercept[cols] = b
    if indefinite:
        warnings.warn(
            f"K + alpha I is not positive definite ({'; '.join(indefinite)}): the "
            "kernel is not positive semi-definite or alpha is too small. Solved "
            "by eigendecomposition (minimum-norm least squares) instead.",
            UserWarning,
            stacklevel=6,  # the caller of fit
        )
    return P, intercept
