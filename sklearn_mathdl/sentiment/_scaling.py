r"""Exact rescaling of the least-squares problem, and the overflow checks of a fit.

The weighted ridge problem is homogeneous in the targets and the weights: the
minimiser of

.. math::

    \sum_i 2^{-e_s} s_i \Big(2^{-e_y} y_i - b' - c_i^\top\theta'\Big)^2
    + 2^{-e_s}\alpha \|\theta'\|^2

is :math:`\theta' = 2^{-e_y}\theta`, :math:`b' = 2^{-e_y} b`. Multiplying by a
power of two is exact in binary floating point (only the exponent changes)
unless the result overflows or underflows, and every step of the solve
(weighted sums, conjugate-gradient dot products, step lengths, which are
ratios) is homogeneous; so the rescaled solve works on the same significands,
and its result, scaled back, is bit for bit what float64 with an unbounded
exponent range would give. Targets and weights whose largest magnitude lies
outside :math:`[2^{-64}, 2^{64}]` are rescaled to :math:`[1/2, 1)`; others
are used as they are, so ordinary fits are unchanged. Without this, targets
near :math:`10^{308}` overflow the squared norms of conjugate gradient (NaN)
and targets near :math:`10^{-300}` underflow them (the scores stay 0).

What no rescaling can avoid is a model whose predictions overflow: the scores
are checked after the fit, against :data:`SCORE_LIMIT`.
"""

import math
from dataclasses import dataclass

import numpy as np

_SAFE_EXPONENT = 64
# Scores and intercept at most this give a finite prediction for every row
# whose absolute counts sum to less than 2**40 (any text that fits in memory).
SCORE_LIMIT = float(np.ldexp(np.finfo(np.float64).max, -41))


def _exponent(magnitude):
    """``e`` with ``magnitude / 2**e`` in [1/2, 1) if ``magnitude`` is outside
    [2**-64, 2**64]; 0 otherwise (and for 0)."""
    if magnitude == 0 or 2.0**-_SAFE_EXPONENT <= magnitude <= 2.0**_SAFE_EXPONENT:
        return 0
    return math.frexp(magnitude)[1]


def _ldexp(value, exponent):
    """``value * 2**exponent``, exactly (a scalar or an array)."""
    if not exponent:
        return value
    out = np.ldexp(value, exponent)
    return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class ProblemScale:
    """The powers of two that bring targets and weights near 1.

    Attributes
    ----------
    y_max, s_max : float
        Largest :math:`|y_i|` and largest weight :math:`s_i`.
    """

    y_max: float
    s_max: float

    @property
    def y_exponent(self):
        return _exponent(self.y_max)

    @property
    def s_exponent(self):
        return _exponent(self.s_max)

    def targets(self, values):
        """Values linear in ``y`` (and not in the weights), rescaled."""
        return _ldexp(values, -self.y_exponent)

    def weights(self, values):
        """Values linear in the weights (and not in ``y``), and alpha, rescaled."""
        return _ldexp(values, -self.s_exponent)

    def weighted_targets(self, values):
        """Values linear in both (:math:`C^\\top S y`, :math:`s^\\top y`), rescaled."""
        return _ldexp(values, -self.s_exponent - self.y_exponent)

    def unscale(self, theta, intercept):
        """Scores and intercept of the original problem (may overflow to inf)."""
        with np.errstate(over="ignore"):
            return _ldexp(theta, self.y_exponent), _ldexp(intercept, self.y_exponent)

    def describe(self):
        return (
            f"largest |y| = {self.y_max:.3g}, largest sample weight = {self.s_max:.3g}"
        )


def all_finite(*values):
    """Whether every value (scalars and arrays) is finite."""
    return all(np.isfinite(v).all() for v in values)


def _x_range(X):
    """Smallest and largest nonzero magnitude of a sparse matrix's entries."""
    magnitudes = np.abs(X.data[X.data != 0])
    if not magnitudes.size:
        return 0.0, 0.0
    return float(magnitudes.min()), float(magnitudes.max())


def solve_overflow_error(scale, alpha, X=None):
    """The ValueError for normal equations that overflow (after rescaling):
    the count matrix's large values, or alpha against the weights and counts."""
    if X is not None:
        low, high = _x_range(X)
        if high > 2.0**_SAFE_EXPONENT:
            return ValueError(
                f"The count matrix X has values up to {high:.3g}: the sums of "
                "their squares (the normal equations) overflow float64. Scale "
                f"X down, e.g. X / {high:.0e}, or with "
                "sklearn.preprocessing.MaxAbsScaler."
            )
    if not np.isfinite(scale.weights(float(alpha))):
        return ValueError(
            f"alpha={alpha:.3g} is out of all proportion to the sample weights "
            f"(largest {scale.s_max:.3g}): their ratio overflows float64. Scale "
            "the sample weights up (only their ratios to each other and to "
            "alpha matter), or lower alpha."
        )
    return ValueError(
        f"The normal equations overflow float64 with alpha={alpha:.3g} "
        f"({scale.describe()}): alpha is out of all proportion to the squared "
        "counts. Use an alpha nearer the scale of the data, e.g. between 1e-6 "
        "and 1e6 for counts of texts."
    )


def check_scores(theta, intercept, scale, X=None):
    """Raise unless predictions of the model are finite (see SCORE_LIMIT).

    The error names y's scale when y was rescaled (its largest magnitude is
    beyond 2**64), else the count matrix's smallest entries.
    """
    largest = max(float(np.abs(theta).max(initial=0.0)), abs(intercept))
    if largest <= SCORE_LIMIT:
        return
    shown = "inf" if math.isinf(largest) else f"{largest:.3g}"
    if scale.y_exponent > 0 or X is None:
        raise ValueError(
            f"y's scale (largest |y| = {scale.y_max:.3g}) gives scores up to "
            f"{shown}: predictions would overflow float64 (largest "
            f"{np.finfo(np.float64).max:.3g}). Divide y by a constant, e.g. fit "
            "y / 1e300 and multiply the predictions by 1e300."
        )
    low, _ = _x_range(X)
    raise ValueError(
        f"The count matrix X has entries as small as {low:.3g}: the scores "
        f"fitted to y ({scale.describe()}) reach {shown}, and predictions "
        "would overflow float64. Scale X up (e.g. with "
        "sklearn.preprocessing.MaxAbsScaler), or increase alpha."
    )


def accumulation_error(scale):
    """The ValueError for partial_fit statistics that overflow when summed."""
    return ValueError(
        "partial_fit's accumulated statistics (sums of weight x target x "
        f"count over the batches) overflow float64: {scale.describe()}. "
        "Divide y (or the sample weights) by a constant in every batch, e.g. "
        "fit y / 1e300 and multiply the predictions by 1e300."
    )


def check_row_predictions(X, theta, intercept, entry_bound=None):
    """Raise unless the predictions for the rows of the count matrix ``X`` are
    finite.

    Scores within :data:`SCORE_LIMIT` (checked first) give a finite
    prediction for every row whose absolute values sum to less than
    :math:`2^{40}`, so only a matrix with larger entries (``entry_bound``
    times its number of columns, or its largest entry read from it) is
    multiplied out. A row of zero weight is not constrained by the fit, and
    holding huge values it can predict an overflow.
    """
    if entry_bound is None:
        entry_bound = _x_range(X)[1]
    if entry_bound * X.shape[1] < 2.0**40:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        predictions = X @ theta + intercept
    if all_finite(predictions):
        return
    low, high = _x_range(X)
    raise ValueError(
        f"The count matrix X has values up to {high:.3g}: with the fitted "
        f"scores (up to {np.abs(theta).max(initial=0.0):.3g}) the predictions "
        "of some of its rows (rows of zero weight are not fitted) overflow "
        "float64. Scale X down, e.g. with sklearn.preprocessing.MaxAbsScaler, "
        "or drop the rows of zero weight."
    )
