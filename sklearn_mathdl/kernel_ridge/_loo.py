r"""Exact leave-one-out errors of kernel ridge for many alphas, one eigendecomposition.

Kernel ridge is a linear smoother, :math:`\hat y = H_\alpha y` with
:math:`H_\alpha = K (K + \alpha I)^{-1}`, and the minimiser of a penalised
least-squares problem; removing sample :math:`i` therefore changes its
prediction so that the leave-one-out residual is

.. math::

    y_i - \hat f^{(-i)}(x_i) = \frac{y_i - \hat y_i}{1 - (H_\alpha)_{ii}}

(Allen 1974; Golub, Heath & Wahba 1979). With :math:`K = Q \Lambda Q^\top`,
:math:`\operatorname{diag} H_\alpha = (Q \circ Q)\, \lambda / (\lambda + \alpha)`
and :math:`y - \hat y = Q\, \alpha (\Lambda + \alpha)^{-1} Q^\top y`: every
candidate costs :math:`O(n^2)` after one :math:`O(n^3)` decomposition. With
an unpenalised intercept, :math:`G = (K + \alpha I)^{-1}` and
:math:`H_\alpha = K G + \alpha\, G 1 1^\top G / (1^\top G 1)`. Sample weights
enter through :math:`\tilde K = S K S`, :math:`S = \operatorname{diag}(\sqrt w)`
(whose hat matrix has the same diagonal).

The residuals are linear in :math:`y` and the errors quadratic: for
:math:`|y|` beyond about :math:`10^{154}` their squares leave the float64
range, which is reported as such rather than as an infinite error.
"""

import numpy as np
from scipy.linalg import LinAlgError, eigh

from sklearn_mathdl.kernel_ridge._overflow import largest_magnitude


def kernel_eigh(matrix, scale):
    """Eigenvalues and eigenvectors of :math:`SKS` (float64), one LAPACK call."""
    K = matrix.full(scale).astype(np.float64, copy=False)
    try:
        return eigh(K, overwrite_a=True)
    except LinAlgError as exc:  # pragma: no cover - LAPACK's rare non-convergence
        raise ValueError(
            f"The eigendecomposition of the kernel matrix did not converge (its "
            f"entries reach {largest_magnitude(K):.3g}). Scale X (e.g. with "
            "StandardScaler) or increase alpha."
        ) from exc


def solve_loo(matrix, Y, scale, alphas, fit_intercept):
    """The candidate of least leave-one-out error and its solution.

    Returns ``(P, intercept, alpha, errors)``, ``errors`` of shape
    ``(n_alphas, n_targets)``.
    """
    ones = np.ones(matrix.n) if scale is None else scale.astype(np.float64)
    Ys = (Y if scale is None else Y * scale[:, None]).astype(np.float64)
    lam, V = kernel_eigh(matrix, scale)
    QtY, Qts = V.T @ Ys, V.T @ ones
    errors = loo_errors(lam, V, QtY, Qts, ones, alphas, fit_intercept)
    best = int(np.argmin(np.mean(errors, axis=1)))
    Q, b = eigen_solution(lam, V, QtY, Qts, ones, alphas[best], fit_intercept)
    P = Q * ones[:, None] if scale is not None else Q
    return P.astype(matrix.dtype), b, alphas[best], errors


def inverse_shifted(lam, alpha):
    """``1 / (lam + alpha)``, zero where ``lam + alpha`` is numerically 0 (pseudo-inverse)."""
    shifted = lam + alpha
    cutoff = lam.size * np.finfo(np.float64).eps * max(np.abs(shifted).max(), 1e-300)
    out = np.zeros_like(shifted)
    np.divide(1.0, shifted, out=out, where=np.abs(shifted) > cutoff)
    return out


def eigen_solution(lam, Q, QtY, Qts, s, alpha, fit_intercept):
    """Coefficients ``q`` (scaled system) and intercept for one alpha."""
    d = inverse_shifted(lam, alpha)
    intercept = np.zeros(QtY.shape[1])
    coef_space = QtY
    if fit_intercept:
        denom = Qts @ (d * Qts)
        intercept = (Qts * d) @ QtY / denom if denom > 0 else intercept
        coef_space = QtY - np.outer(Qts, intercept)
    return Q @ (d[:, None] * coef_space), intercept


def loo_errors(lam, Q, QtY, Qts, s, alphas, fit_intercept, block=1024):
    """Weighted mean squared leave-one-out error, shape ``(n_alphas, n_targets)``."""
    n = Q.shape[0]
    total_weight = float(s @ s)
    errors = np.empty((len(alphas), QtY.shape[1]))
    D = np.stack([inverse_shifted(lam, a) for a in alphas], axis=1)
    # diag(K G) for all alphas at once, by row blocks of Q o Q.
    hat = np.empty((n, len(alphas)))
    shrink = lam[:, None] * D
    for start in range(0, n, block):
        rows = Q[start : start + block]
        hat[start : start + block] = (rows * rows) @ shrink
    for j, alpha in enumerate(alphas):
        d = D[:, j]
        coef_space = QtY
        h = hat[:, j]
        if fit_intercept:
            denom = Qts @ (d * Qts)
            if denom > 0:
                b = (Qts * d) @ QtY / denom
                coef_space = QtY - np.outer(Qts, b)
                Gs = Q @ (d * Qts)
                h = h + alpha * Gs**2 / denom
        residual = Q @ ((1.0 - lam * d)[:, None] * coef_space)
        with np.errstate(all="ignore"):
            loo = residual / (1.0 - h)[:, None]
            _check_range(residual, "residuals", alpha)
            bad = ~np.isfinite(loo)
            # h = 1: the sample is interpolated, its LOO error infinite or 0.
            loo[bad] = np.where(np.abs(residual[bad]) > 0, np.inf, 0.0)
            finite_part = np.sum(np.where(bad, 0.0, loo) ** 2, axis=0)
            _check_range(finite_part, "errors", alpha)
            infinite = np.any(np.isinf(loo), axis=0)
            errors[j] = np.where(infinite, np.inf, finite_part) / total_weight
    return errors


def _check_range(values, quantity, alpha):
    if not np.all(np.isfinite(values)):
        raise ValueError(
            f"The leave-one-out {quantity} of alpha={alpha:g} overflowed the "
            "float64 range (the residuals grow with y, the errors with its "
            "square). Scale y (e.g. divide it by its standard deviation)."
        )
