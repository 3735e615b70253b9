r"""Data-aware random ramps and the least-squares output layer.

A ramp :math:`\sigma(w\cdot x + b)` changes only near the hyperplane
:math:`w\cdot x + b = 0`; drawn blindly, most hyperplanes miss the data and the
unit is constant (or linear) on it. Here, on standardised inputs, the direction
:math:`u = w / |w|` is uniform on the sphere, the slope :math:`|w|` is
log-uniform in :math:`[s/10, 10 s]` (``s = weight_scale``) divided by
the spread of the projection :math:`u\cdot x`, and the bias puts
the ramp's centre :math:`-b/|w|` uniformly within two standard deviations of
the data's projection :math:`u\cdot x`, so every ramp turns inside the
data (Huang, Zhu & Siew 2006 draw them blindly; the data-aware placement is the
one used to initialise the greedy search of Siegel & Xu 2021).

With the hidden layer fixed, the output weights solve the weighted ridge
problem with a free intercept

.. math::

    \min_{a, a_0} \sum_i \omega_i \|y_i - H_i a - a_0\|^2 + \alpha \|a\|^2 ,

i.e. :math:`(H_c^\top \Omega H_c + \alpha I) a = H_c^\top \Omega y_c` on the
:math:`\omega`-centred :math:`H_c, y_c`, and :math:`a_0 = \bar y - \bar H a`.
"""

import numpy as np
from scipy import linalg

from sklearn_mathdl.neural_network._affine import weighted_centre


def sample_ramps(cov, n, weight_scale, random_state):
    r"""``n`` data-aware ramps: weights of shape (n, d) and biases of shape (n,).

    ``cov`` is the (weighted) covariance of the standardised, centred inputs;
    the projection :math:`u\cdot x` of the data has spread
    :math:`s_u = \sqrt{u^\top \Sigma u}`, the slope is ``weight_scale``
    :math:`\times 10^{U(-1, 1)} / s_u` and the centre :math:`s_u U(-2, 2)`.
    Drawing from moments rather than from data points makes integer sample
    weights equivalent to repeated samples.
    """
    d = cov.shape[0]
    directions = random_state.standard_normal((n, d))
    directions /= np.maximum(np.linalg.norm(directions, axis=1, keepdims=True), 1e-12)
    spread = np.sqrt(
        np.maximum(np.einsum("ij,jk,ik->i", directions, cov, directions), 0)
    )
    spread = np.where(spread > 1e-12, spread, 1.0)
    slopes = weight_scale * 10.0 ** random_state.uniform(-1.0, 1.0, n) / spread
    centres = spread * random_state.uniform(-2.0, 2.0, n)
    return directions * slopes[:, None], -slopes * centres


def _centred_normal_equations(H, Y, weights):
    r"""The :math:`\omega`-centred least-squares problem of the output layer.

    Returns the Gram matrix :math:`H_c^\top \Omega H_c`, the right-hand side
    :math:`H_c^\top \Omega y_c`, the centred targets :math:`y_c` and the
    means :math:`\bar H`, :math:`\bar y` (the intercept is
    :math:`a_0 = \bar y - \bar H a`).
    """
    Hc, h_mean = weighted_centre(H, weights)
    Yc, y_mean = weighted_centre(Y, weights)
    Hw = Hc * weights[:, None]
    return Hw.T @ Hc, Hw.T @ Yc, Yc, h_mean, y_mean


def weighted_ridge(H, Y, weights, alpha):
    r"""Output weights ``a`` (k, m) and intercept ``a0`` (m,) of the ridge problem.

    ``weights`` are normalised sample weights (summing to 1) or None; the
    penalty is ``alpha`` times the total weight, as in the MLPs' objective.
    A tiny relative jitter keeps the Cholesky factorisation defined when
    features are collinear.
    """
    if weights is None:
        weights = np.full(H.shape[0], 1.0 / H.shape[0])
    gram, rhs, _, h_mean, y_mean = _centred_normal_equations(H, Y, weights)
    jitter = 1e-12 * max(float(np.trace(gram)) / max(gram.shape[0], 1), 1e-300)
    gram[np.diag_indices_from(gram)] += alpha + jitter
    try:
        A = linalg.cho_solve(linalg.cho_factor(gram), rhs)
    except linalg.LinAlgError:
        A = linalg.lstsq(gram, rhs)[0]
    return A, y_mean - h_mean @ A


def gcv_ridge(H, Y, weights, alpha, n_effective, n_grid=11):
    r"""Weighted ridge output layer whose penalty is chosen by GCV.

    Generalised cross-validation (Craven & Wahba 1979; Golub, Heath & Wahba
    1979) estimates the leave-one-out error of the linear smoother
    :math:`\hat y = S_\lambda y` without refitting:

    .. math::

        \mathrm{GCV}(\lambda) = \frac{\mathrm{RSS}(\lambda)}
        {\big(1 - \operatorname{tr} S_\lambda / N\big)^2}, \qquad
        \operatorname{tr} S_\lambda = 1 + \sum_j \frac{s_j}{s_j + \lambda},

        \mathrm{RSS}(\lambda) = \|y_c\|_\Omega^2 - \sum_j c_j^2
        \frac{s_j + 2\lambda}{(s_j + \lambda)^2},

    with :math:`H_c^\top \Omega H_c = V \operatorname{diag}(s) V^\top` (one
    eigendecomposition of the ``k x k`` Gram matrix serves every
    :math:`\lambda`), :math:`c = V^\top H_c^\top \Omega y_c` (summed over
    the outputs), the 1 for the free intercept and :math:`N` the effective
    number of samples (the total sample weight). The grid is
    :math:`\bar s \cdot 10^{-j}`, :math:`j = 0, \dots,` ``n_grid - 1``
    (:math:`\bar s` the mean eigenvalue; the last one is the round-off level of
    the factorisation) and ``alpha`` itself; eigen-directions below the
    round-off level of the Gram matrix (numerical rank) are left out, and
    near-ties (within a relative 1e-6, or RSS at the round-off level 1e-10
    :math:`\|y_c\|^2`) go to the larger penalty.

    Returns
    -------
    A : ndarray (k, m), a0 : ndarray (m,), lam : float
    """
    gram, rhs, Yc, h_mean, y_mean = _centred_normal_equations(H, Y, weights)
    s, V = linalg.eigh(gram)
    s = np.maximum(s, 0.0)
    c = V.T @ rhs  # (k, m)
    # Eigenvectors of eigenvalues at the round-off level of the Gram matrix are
    # arbitrary: drop them (numerical rank), or tiny penalties amplify noise.
    c[s <= s.size * np.finfo(np.float64).eps * s.max(initial=0.0)] = 0.0
    c2 = (c * c).sum(axis=1)
    yy = float(weights @ (Yc * Yc).sum(axis=1))
    lam = _gcv_penalty(s, c2, yy, alpha, n_effective, n_grid)
    A = V @ (c / (s + lam)[:, None])
    return A, y_mean - h_mean @ A, lam


def _gcv_penalty(s, c2, yy, alpha, n_effective, n_grid):
    """The penalty of the grid with the smallest GCV (see :func:`gcv_ridge`)."""
    scale = max(float(s.mean()), 1e-300)
    lams = scale * 10.0 ** -np.arange(n_grid, dtype=np.float64)
    lams = np.append(lams, max(alpha, lams[-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        rss = yy - (
            (s[None, :] + 2 * lams[:, None])
            / (s[None, :] + lams[:, None]) ** 2
            * c2[None, :]
        ).sum(axis=1)
        dof = 1.0 + (s[None, :] / (s[None, :] + lams[:, None])).sum(axis=1)
        gcv = np.maximum(rss, 0.0) / (1.0 - dof / n_effective) ** 2
    gcv = np.where((dof < n_effective) & np.isfinite(gcv), gcv, np.inf)
    if not np.isfinite(gcv).any():
        return float(lams[0])
    # Near-ties (interpolating fits) go to the larger, more stable penalty.
    # RSS below 1e-10 of |y|^2 is round-off of the formula above.
    return float(lams[gcv <= gcv.min() * (1 + 1e-6) + 1e-10 * yy].max())
