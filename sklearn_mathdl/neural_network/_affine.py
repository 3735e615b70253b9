r"""Weighted centring and standardisation, exact and free of overflow.

Standardising subtracts the weighted mean :math:`\mu` and divides by the
weighted standard deviation :math:`s`. Two hazards are handled here, once for
every part of the shallow approximator:

- **Range.** Finite data as large as :math:`1.7\cdot 10^{308}` overflow in
  :math:`(x - \mu)^2`, or even in :math:`x - \mu`, and data below
  :math:`10^{-154}` underflow in it. Where that happens, each column is
  divided by a power of two :math:`u`, its *unit*, near its largest
  magnitude; a division by a power of two is exact, so
  :math:`(x/u - \mu/u)/(s/u)` is bit for bit :math:`(x - \mu)/s` wherever
  the latter neither overflows nor underflows, and finite wherever the data
  are.
- **Sparsity.** On sparse data the centred matrix would be dense. Every product
  the shallow approximator needs is an affine map of ``X``, so the centring is
  folded into a rank-one correction, with :math:`Z = X S^{-1}` (still sparse)
  and :math:`c = S^{-1}\mu`:

.. math::

    (X - 1\mu^\top) S^{-1} V = Z V - 1\,(c^\top V), \qquad
    \big((X - 1\mu^\top) S^{-1}\big)^\top C = Z^\top C - c\,(1^\top C).

A column whose spread is at most :math:`10^{-12} |\mu|` (the round-off of the
mean) is constant on the data: its scale is :math:`+\infty`, so its
standardised values are exactly 0 (not the round-off of :math:`x - \mu`) and
the weights read from it are 0. The rule is relative, so that multiplying a
column by a power of two multiplies its mean and scale by it, exactly.
"""

import numpy as np
from scipy import sparse
from sklearn.utils.sparsefuncs import mean_variance_axis

# Spread, relative to |mean|, up to which a column counts as constant.
_CONSTANT_SPREAD = 1e-12
# Below this variance, squared deviations may have underflowed.
_TINY_VARIANCE = 1e-200


def weighted_centre(A, weights):
    r"""``(A - mean, mean)`` with :math:`\bar a = \sum_i \omega_i a_i` (rows of ``A``).

    ``weights`` are normalised sample weights (summing to 1).
    """
    mean = weights @ A
    return A - mean, mean


def weighted_variance(A, weights):
    r"""``(A - mean, mean, variance)`` of the rows of ``A`` (``weights`` sum to 1).

    :math:`\sum_i \omega_i (a_i - \bar a)^2`, entrywise.
    """
    centred, mean = weighted_centre(A, weights)
    return centred, mean, weights @ (centred * centred)


def power_of_two_unit(values, axis=None):
    """The power of two :math:`2^{e-1}` with :math:`\\max|v| = m 2^e`, ``m`` in [1/2, 1).

    Divided by it, the largest magnitude lies in [1, 2); the division is exact.
    """
    if sparse.issparse(values):
        peak = abs(values).max(axis=axis)
        peak = peak.toarray().ravel() if sparse.issparse(peak) else np.asarray(peak)
    else:
        peak = np.max(np.abs(values), axis=axis, initial=0.0)
    return np.ldexp(1.0, np.frexp(peak)[1] - 1)


def _divide_columns(X, unit):
    """``X / unit`` column by column (a CSR copy for sparse ``X``)."""
    if not sparse.issparse(X):
        return X / unit
    X = sparse.csr_matrix(X, copy=True)
    X.data /= unit[X.indices]
    return X


def _moments(X, weights, unit):
    """Weighted mean and variance of the columns of ``X / unit``, and, for
    dense ``X``, the centred ``X / unit`` (None for sparse ``X``)."""
    X_unit = X if unit is None else _divide_columns(X, unit)
    if sparse.issparse(X):
        return (*mean_variance_axis(X_unit, axis=0, weights=weights), None)
    X_unit, mean, var = weighted_variance(X_unit, weights)
    return mean, var, X_unit


def weighted_standardisation(X, weights):
    r"""Standardise the columns of ``X`` (array or sparse) with weighted moments.

    The moments are computed directly; only if a variance overflowed or came
    out below :math:`10^{-200}` (where squares may have underflowed) are they
    computed again in power-of-two units, which gives the same numbers
    wherever the direct computation is exact, and finite ones everywhere.

    Returns
    -------
    standardised : ndarray or CentredSparse
        :math:`(X - \mu)/s`; for sparse ``X``, the operator
        :class:`CentredSparse`.
    mean, scale : ndarray of shape (n_columns,)
        :math:`\mu` and :math:`s` (``inf`` for a constant column).
    unit : ndarray of shape (n_columns,) or None
        The power-of-two units the moments were computed in (None when
        computed directly), for :func:`standardise`.
    """
    unit = None
    mean, var, centred = _moments(X, weights, unit)
    spread = np.sqrt(np.maximum(var, 0))
    if not (np.isfinite(var).all() and (var > _TINY_VARIANCE).all()):
        unit = power_of_two_unit(X, axis=0)
        mean, var, centred = _moments(X, weights, unit)
        mean, spread = mean * unit, np.sqrt(np.maximum(var, 0)) * unit
    constant = spread <= _CONSTANT_SPREAD * np.abs(mean)
    scale = np.where(constant, np.inf, spread)
    if centred is None:
        return CentredSparse(X, mean, scale), mean, scale, unit
    centred /= scale if unit is None else scale / unit
    return centred, mean, scale, unit


def standardise(X, mean, scale, unit=None):
    """``(X - mean) / scale``: an array for dense ``X``, else :class:`CentredSparse`.

    With the ``unit`` of :func:`weighted_standardisation`, computed as
    ``(X/unit - mean/unit) / (scale/unit)``: the same numbers, without overflow.
    """
    if sparse.issparse(X):
        return CentredSparse(X, mean, scale)
    if unit is None:
        return (X - mean) / scale
    return (X / unit - mean / unit) / (scale / unit)


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
