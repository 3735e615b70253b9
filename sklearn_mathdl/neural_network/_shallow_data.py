r"""The training data of the shallow approximator, checked and standardised.

Inputs and targets are standardised with the weighted moments (an integer
sample weight equals a repeated sample), by
:func:`~sklearn_mathdl.neural_network._affine.weighted_standardisation`: exact
and free of overflow for every finite value. If the sum of the sample weights
overflows (or is tiny), they are divided by a power of two :math:`u` near
their largest value, and ``alpha`` with them: the weights and the penalty
:math:`\alpha / \sum_i s_i` are then finite and the same numbers, bit for
bit, that an exact computation gives.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.utils.validation import _check_sample_weight, validate_data

from sklearn_mathdl.neural_network._affine import (
    power_of_two_unit,
    standardise,
    weighted_standardisation,
)

# numpy's words when it cannot convert an input to floats.
_RAGGED = ("inhomogeneous", "setting an array element with a sequence")
_NUMPY_CONVERSION = (*_RAGGED, "could not convert", "invalid literal")
# Penalties alpha / sum(sample_weight) above this make every weight vanish (and
# their gradients overflow in backpropagation): refused with an explanation.
_MAX_PENALTY = 1e100


@dataclass(frozen=True)
class TrainingData:
    """Validated, standardised training data (and validation data, if any).

    ``Xs``, ``Ys`` are the standardised inputs and targets, ``weights`` the
    normalised sample weights :math:`\\omega` (sum 1), ``sample_weight`` the
    sample weights divided by ``weight_unit``, ``total`` their sum in those
    units, ``penalty`` :math:`\\alpha / \\sum_i s_i` and ``Y`` the targets as
    given (2-d).
    """

    X: object
    Xs: object
    Ys: np.ndarray
    weights: np.ndarray
    sample_weight: np.ndarray
    weight_unit: float
    total: float
    penalty: float
    x_mean: np.ndarray
    x_scale: np.ndarray
    y_mean: np.ndarray
    y_scale: np.ndarray
    Y: np.ndarray
    single_output: bool
    validation: tuple = None


def _non_numeric_error(name, values):
    """The error for ``values`` (the input ``name``) that numpy cannot convert
    to floats, or None if it can (the problem lies elsewhere)."""
    if values is None or sparse.issparse(values):
        return None
    try:
        np.asarray(values, dtype=np.float64)
        return None
    except (TypeError, ValueError) as exc:
        if any(phrase in str(exc) for phrase in _RAGGED):
            return ValueError(
                f"{name} has rows of different lengths (a ragged list of lists); "
                "give a rectangular array of numbers, one row per sample."
            )
    first = next(
        (v for v in np.asarray(values, dtype=object).ravel() if not _is_number(v)),
        None,
    )
    return ValueError(
        f"{name} must contain numbers, but holds {first!r}. Encode such values as "
        "numbers (e.g. OneHotEncoder for categories); this is a regressor: for "
        "class labels use a classifier."
    )


def _is_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def validate_numeric(estimator, X, y="no_validation", *, names=("X", "y"), **kwargs):
    """``validate_data(estimator, X, y, **kwargs)``, whose conversion errors
    name the input (as ``names``) and the fix instead of numpy's message."""
    try:
        return validate_data(estimator, X, y, **kwargs)
    except (TypeError, ValueError) as exc:
        if not any(phrase in str(exc) for phrase in _NUMPY_CONVERSION):
            raise
        y = None if isinstance(y, str) else y
        for name, values in zip(names, (X, y)):
            error = _non_numeric_error(name, values)
            if error is not None:
                raise error from exc
        raise


def check_targets(y, name="y"):
    """Refuse NaN or infinite targets with a message saying what to do."""
    try:
        values = np.asarray(y)
    except (TypeError, ValueError):
        return  # validate_data reports it
    if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
        raise ValueError(
            f"The target {name} contains NaN or infinity. Remove those samples "
            "(or impute the targets) before fitting: a regressor needs a "
            "finite target for every sample."
        )


def _normalised_weights(sample_weight, X, alpha):
    """``(weights summing to 1, weights / u, u, their sum, alpha / sum)``."""
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    unit, in_units, total = 1.0, sample_weight, float(sample_weight.sum())
    if not 1e-200 < total < np.inf:  # the sum overflowed, or may have lost bits
        unit = float(power_of_two_unit(sample_weight))
        in_units = sample_weight / unit
        total = float(in_units.sum())
    penalty = alpha / unit / total
    if not penalty <= _MAX_PENALTY:
        raise ValueError(
            f"alpha / sum(sample_weight) = {penalty:.3g}: a penalty this large "
            "makes every weight vanish (the model would predict the mean of y). "
            "Lower alpha, or scale sample_weight up (the model depends on the "
            "weights' ratios and on alpha / sum(sample_weight) only)."
        )
    return in_units / total, in_units, unit, total, penalty


def _validation_data(estimator, X_val, y_val, n_outputs, standardisers):
    if (X_val is None) != (y_val is None):
        raise ValueError("Pass both X_val and y_val, or neither.")
    if X_val is None:
        return None
    check_targets(y_val, "y_val")
    X_val, y_val = validate_numeric(
        estimator,
        X_val,
        y_val,
        names=("X_val", "y_val"),
        reset=False,
        accept_sparse="csr",
        dtype=np.float64,
        multi_output=True,
        y_numeric=True,
    )
    Y_val = y_val.reshape(X_val.shape[0], -1)
    if Y_val.shape[1] != n_outputs:
        raise ValueError(f"y_val has {Y_val.shape[1]} outputs but y has {n_outputs}.")
    (x_mean, x_scale, x_unit), (y_mean, y_scale, y_unit) = standardisers
    return (
        standardise(X_val, x_mean, x_scale, x_unit),
        standardise(Y_val, y_mean, y_scale, y_unit),
    )


def prepare_training_data(estimator, X, y, sample_weight, X_val, y_val):
    """Validate ``X``, ``y`` (setting ``n_features_in_``) and standardise them."""
    check_targets(y)
    X, y = validate_numeric(
        estimator,
        X,
        y,
        accept_sparse="csr",
        dtype=np.float64,
        multi_output=True,
        y_numeric=True,
    )
    Y = y.reshape(y.shape[0], -1)
    weights, in_units, unit, total, penalty = _normalised_weights(
        sample_weight, X, estimator.alpha
    )
    Xs, x_mean, x_scale, x_unit = weighted_standardisation(X, weights)
    Ys, y_mean, y_scale, y_unit = weighted_standardisation(Y, weights)
    # A constant target is fitted as its mean: scale 1 maps weights back.
    y_scale[np.isinf(y_scale)] = 1.0
    validation = _validation_data(
        estimator,
        X_val,
        y_val,
        Y.shape[1],
        ((x_mean, x_scale, x_unit), (y_mean, y_scale, y_unit)),
    )
    return TrainingData(
        X=X,
        Xs=Xs,
        Ys=Ys,
        weights=weights,
        sample_weight=in_units,
        weight_unit=unit,
        total=total,
        penalty=penalty,
        x_mean=x_mean,
        x_scale=x_scale,
        y_mean=y_mean,
        y_scale=y_scale,
        Y=Y,
        single_output=y.ndim == 1,
        validation=validation,
    )
