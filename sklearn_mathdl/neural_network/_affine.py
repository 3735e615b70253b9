r"""The standardised design of a sparse ``X``, applied without being formed.

Standardising subtracts the mean :math:`\mu` and divides by the scale
:math:`s`; on sparse data the centred matrix would be dense. Every product the
shallow approximator needs is an affine map of ``X``, so the centring is
folded into a rank-one correction, with :math:`Z = X S^{-1}` (still sparse)
and :math:`c = S^{-1}\mu`:

.. math::

    (X - 1\mu^\top) S^{-1} V = Z V - 1\,(c^\top V), \qquad
    \big((X - 1\mu^\top) S^{-1}\big)^\top C = Z^\top C - c\,(1^\top C).
"""

import numpy as np
from scipy import sparse


class CentredSparse:
    """``(X - mean) / scale`` for a sparse ``X``, as a linear operator.

    Supports ``D @ V`` and ``D.T @ C`` (see the module's formulas) and
    ``shape``; ``scaled`` is the sparse :math:`Z = X S^{-1}` and ``shift`` the
    vector :math:`c`, so that :math:`w\\cdot z + b - w\\cdot c` is the ramp of
    the centred input (how a network trained on :math:`Z` gets its biases).
    """

    def __init__(self, X, mean, scale):
        self.scaled = sparse.csr_matrix(X.multiply(1.0 / scale))
        self.shift = np.asarray(mean / scale, dtype=np.float64)
        self.shape = X.shape

    def __matmul__(self, V):
        return np.asarray(self.scaled @ V) - self.shift @ V

    @property
    def T(self):
        return _Transposed(self)


class _Transposed:
    def __init__(self, design):
        self.design = design

    def __matmul__(self, C):
        d = self.design
        return np.asarray(d.scaled.T @ C) - np.multiply.outer(d.shift, C.sum(axis=0))


def standardise(X, mean, scale):
    """``(X - mean) / scale``: an array for dense ``X``, else :class:`CentredSparse`."""
    if sparse.issparse(X):
        return CentredSparse(X, mean, scale)
    return (X - mean) / scale


def second_moment(X, weights):
    r""":math:`\sum_i w_i x_i x_i^\top` of the rows of ``X`` (array or centred sparse).

    For :class:`CentredSparse`, with :math:`\bar z = w^\top Z` and
    :math:`W = \sum_i w_i`:
    :math:`Z^\top \mathrm{diag}(w) Z - c \bar z^\top - \bar z c^\top + W c c^\top`.
    """
    if not isinstance(X, CentredSparse):
        return (X * weights[:, None]).T @ X
    Z, c = X.scaled, X.shift
    ZtWZ = (Z.T @ sparse.csr_matrix(Z.multiply(weights[:, None]))).toarray()
    z_bar = np.asarray(Z.T @ weights).ravel()
    return (
        ZtWZ - np.outer(c, z_bar) - np.outer(z_bar, c) + weights.sum() * np.outer(c, c)
    )
