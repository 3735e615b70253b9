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
"""

import numpy as np


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
        with np.errstate(divide="ignore", invalid="ignore"):
            loo = residual / (1.0 - h)[:, None]
        bad = ~np.isfinite(loo)
        loo[bad] = np.where(np.abs(residual[bad]) > 0, np.inf, 0.0)
        errors[j] = np.sum(loo**2, axis=0) / total_weight
    return errors
