r"""The sparsity penalties of Kolmogorov–Arnold networks (Liu et al. 2024, §2.5.1).

The L1 norm of an edge function is its mean magnitude over the batch
(weighted by :math:`\omega_i = w_i/\sum_j w_j`), and that of a layer
:math:`\Phi` the sum over its edges; the entropy of a layer is that of the
edges' shares of its norm:

.. math::

    |\phi|_1 = \sum_i \omega_i\, |\phi(x^{(i)})|, \qquad
    |\Phi|_1 = \sum_{p,q} |\phi_{p,q}|_1, \qquad
    S(\Phi) = -\sum_{p,q} \pi_{p,q} \log(\pi_{p,q} + \varepsilon), \quad
    \pi_{p,q} = \frac{|\phi_{p,q}|_1}{|\Phi|_1},

with :math:`\varepsilon = 10^{-4}` as in pykan, so that a pruned edge
(:math:`\pi = 0`) has a finite derivative. The penalty added to the loss is
:math:`\lambda_1 \sum_l |\Phi_l|_1 + \lambda_2 \sum_l S(\Phi_l)`. Its
derivative with respect to an edge value :math:`\phi_{p,q}(x^{(i)})` is
:math:`\omega_i \operatorname{sign}(\phi)\, \partial R/\partial a_{p,q}` with
:math:`a = |\phi|_1`, where, writing
:math:`g_{p,q} = \partial S/\partial\pi_{p,q} = -\log(\pi_{p,q}+\varepsilon)
- \pi_{p,q}/(\pi_{p,q}+\varepsilon)`,

.. math::

    \frac{\partial R}{\partial a_{p,q}} = \lambda_1
        + \lambda_2\, \frac{g_{p,q} - \sum_{r,s} \pi_{r,s}\, g_{r,s}}{|\Phi|_1} .
"""

import numpy as np

#: pykan's smoothing of the logarithm in the entropy.
ENTROPY_EPSILON = 1e-4


def edge_norms(edge_values, omega):
    """:math:`|\\phi_{p,q}|_1` of every edge: the weighted mean magnitude.

    Parameters
    ----------
    edge_values : ndarray of shape (n_samples, n_in, n_out)
        :math:`\\phi_{p,q}(x_p^{(i)})`.
    omega : ndarray of shape (n_samples,)
        Sample weights summing to one.

    Returns
    -------
    norms : ndarray of shape (n_in, n_out)
    """
    return np.einsum("i,ipq->pq", omega, np.abs(edge_values))


def sparsity_penalty(edge_values, omega, l1, entropy):
    """The penalty of one layer and its derivative with respect to the edge values.

    Parameters
    ----------
    edge_values : ndarray of shape (n_samples, n_in, n_out)
    omega : ndarray of shape (n_samples,)
        Sample weights summing to one.
    l1, entropy : float
        :math:`\\lambda_1` and :math:`\\lambda_2`.

    Returns
    -------
    value : float
    grad : ndarray of shape (n_samples, n_in, n_out)
    """
    norms = edge_norms(edge_values, omega)
    total = float(norms.sum())
    value = l1 * total
    slope = np.full_like(norms, l1)
    if entropy and total > 0:
        share = norms / total
        value -= entropy * float(np.sum(share * np.log(share + ENTROPY_EPSILON)))
        g = -np.log(share + ENTROPY_EPSILON) - share / (share + ENTROPY_EPSILON)
        slope += entropy * (g - np.sum(share * g)) / total
    grad = np.sign(edge_values) * (omega[:, None, None] * slope)
    return value, grad
