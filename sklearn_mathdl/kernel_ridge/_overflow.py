r"""Errors for finite input that overflows inside the mathematics.

Validation rejects NaN and infinity in ``X``, ``y`` and ``sample_weight``;
finite values can still leave the floating-point range inside the fit. Each
quantity that can is checked where it is formed, at no cost to a normal fit:

- the kernel matrix (:mod:`._kernel_matrix`): on values of :math:`10^{200}`
  the polynomial kernel of degree 3 overflows;
- the weighted matrix :math:`S K S`, :math:`S = \operatorname{diag}(\sqrt w)`,
  for huge weights;
- what is linear in :math:`y` (the dual coefficients, FALKON's right-hand
  side) and what is quadratic (leave-one-out errors): for huge :math:`y`;
- the model: its predictions on the training points are
  :math:`\hat y_j = \sum_i p_i K_{ij} + b`, so
  :math:`|\hat y_j| \le \max_{ij} |K_{ij}| \sum_i |p_i| + |b|`; the fit
  raises unless that bound is finite in the model's dtype, so no fitted model
  predicts inf or NaN on its own training points.

Each error names the quantity and the fix (scale ``X``, scale ``y``, divide
``sample_weight`` and ``alpha`` by the same factor, or raise ``alpha``),
never numpy's or LAPACK's text.
"""

import numpy as np
from scipy import sparse


def largest_magnitude(values):
    """:math:`\\max |v|` of an array (dense or sparse), NaN if one entry is NaN.

    Two reductions and no temporary array; ``np.maximum`` keeps a NaN.
    """
    if sparse.issparse(values):
        values = values.data
    values = np.asarray(values)
    if values.size == 0:
        return 0.0
    return float(np.maximum(float(values.max()), -float(values.min())))


def target_overflow_error(quantity, Y, sample_weight, alphas):
    """The ``ValueError`` for ``quantity`` overflowing on finite ``y``."""
    weights = fix = ""
    if sample_weight is not None:
        weights = f", sample_weight up to {largest_magnitude(sample_weight):.3g}"
        fix = (
            " If the weights are huge, divide sample_weight and alpha by the same "
            "factor (the fit depends only on their ratio)."
        )
    alpha = np.unique(alphas)
    alpha_text = f"{alpha[0]:g}" if alpha.size == 1 else str(alpha.tolist())
    return ValueError(
        f"The {quantity} overflowed: y has values up to "
        f"{largest_magnitude(Y):.3g}{weights} and alpha={alpha_text}, beyond the "
        "floating-point range. Scale y (e.g. divide it by its standard deviation, "
        "or wrap the model in sklearn.compose.TransformedTargetRegressor with a "
        f"StandardScaler), or increase alpha.{fix}"
    )


def weights_overflow_error(sample_weight, kernel_bound):
    """The ``ValueError`` for :math:`S K S` overflowing on finite weights."""
    return ValueError(
        "The weighted kernel matrix S K S (S = diag(sqrt(sample_weight))) "
        f"overflowed: sample_weight has values up to "
        f"{largest_magnitude(sample_weight):.3g} and the kernel entries up to "
        f"{kernel_bound:.3g}. Divide sample_weight and alpha by the same factor "
        "(the fit depends only on their ratio)."
    )


def check_model(coef, intercept, matrix, dtype, describe):
    r"""Raise unless the fitted model predicts finite values on its training points.

    ``coef`` (:math:`p`, or the centres' :math:`c`) and ``intercept``
    (:math:`b`) must be finite and :math:`\max|K_{ij}| \sum_i |p_i| + |b|`
    below the largest number of ``dtype``. ``describe(quantity)`` returns the
    error naming the data (:func:`target_overflow_error`).
    """
    coef = np.asarray(coef)
    intercept = np.asarray(intercept, dtype=np.float64)
    if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(intercept))):
        raise describe("dual coefficients of the kernel ridge solution")
    bound = matrix.entry_bound()
    if not np.isfinite(bound):
        raise matrix.overflow_error(matrix.X)
    with np.errstate(over="ignore"):
        total = np.sum(np.abs(coef), axis=0, dtype=np.float64)
        reach = total.reshape(intercept.shape) * bound + np.abs(intercept)
    if not np.all(reach < np.finfo(dtype).max):
        raise describe(
            f"bound on the model's predictions, max |K_ij| sum |p_i| + |b| "
            f"(dual coefficients up to {largest_magnitude(coef):.3g}, kernel "
            f"entries up to {bound:.3g}),"
        )
