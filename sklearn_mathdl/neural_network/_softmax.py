r"""The softmax, its logarithm and their vector–Jacobian products, written once.

Shared by the ``softmax`` activation and the losses of
:math:`\sigma = \operatorname{softmax}(o)`. With
:math:`\partial S_j / \partial z_{j'} = S_j(\delta_{jj'} - S_{j'})`,

.. math::

    J_S^\top g = S \odot \bigl(g - \langle g, S\rangle\bigr), \qquad
    J_{\log S}^\top g = g - S \textstyle\sum_j g_j,

computed row by row without forming the :math:`K \times K` Jacobians.
"""

import numpy as np


def row_max(o):
    """Row maxima, shape (n, 1).

    Gathering at the arg-max is ~3x faster than ``o.max(axis=1)``, whose
    reduction over short C-order rows pays a loop per row.
    """
    return o[np.arange(o.shape[0]), o.argmax(axis=1)][:, None]


def row_sum(a):
    """Row sums, shape (n,), as one BLAS matrix-vector product."""
    if a.dtype.kind != "f":
        return a.sum(axis=1)
    return a @ np.ones(a.shape[1], dtype=a.dtype)


def log_softmax(o):
    """Row-wise :math:`\\log\\operatorname{softmax}(o)`, by log-sum-exp (no overflow)."""
    shifted = o - row_max(o)
    return shifted - np.log(row_sum(np.exp(shifted)))[:, None]


def softmax(o):
    """Row-wise softmax, computed from :func:`log_softmax` (no overflow)."""
    return np.exp(log_softmax(o))


def softmax_vjp(s, g):
    r""":math:`J_S^\top g = S \odot (g - \langle g, S\rangle)` for :math:`S = \operatorname{softmax}(z)`."""
    return s * (g - (g * s).sum(axis=1, keepdims=True))


def log_softmax_vjp(s, g):
    r""":math:`J_{\log S}^\top g = g - S \sum_j g_j` for :math:`S = \operatorname{softmax}(z)`."""
    return g - s * g.sum(axis=1, keepdims=True)
