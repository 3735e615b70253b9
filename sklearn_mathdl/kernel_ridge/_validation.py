"""Input validation whose errors name the input and the fix, never numpy's text.

scikit-learn's ``validate_data`` converts ``X`` and ``y`` with numpy, and a
string in ``y`` or a ragged list then surfaces as numpy's own message
("could not convert string to float", "inhomogeneous shape"). These helpers
run the same validation and, only when it fails that way, say which input
holds what, and how to fix it.
"""

import numpy as np
from scipy import sparse
from sklearn.utils.validation import _check_sample_weight, validate_data

from sklearn_mathdl.kernel_ridge._overflow import largest_magnitude

# Phrases of numpy's conversion errors (not scikit-learn's own messages).
_NUMPY_CONVERSION = (
    "could not convert",
    "inhomogeneous",
    "setting an array element with a sequence",
    "invalid literal",
    "not supported between instances",
)
# (Python's "float() argument must be a string or a real number, not 'dict'"
# is clear, and scikit-learn's check_dtype_object expects it.)


def _from_numpy(exc):
    return any(phrase in str(exc) for phrase in _NUMPY_CONVERSION)


def _first_non_number(values):
    """The first entry of ``values`` that is not a number (or None)."""
    for value in np.asarray(values, dtype=object).ravel():
        try:
            float(value)
        except (TypeError, ValueError):
            return value
    return None


def non_numeric_error(name, values):
    """The ``ValueError`` for ``values`` (an input named ``name``) not numeric.

    None when ``values`` converts to floats (the problem lies elsewhere).
    """
    if values is None or sparse.issparse(values):
        return None
    try:
        np.asarray(values, dtype=np.float64)
        return None
    except (TypeError, ValueError) as exc:
        ragged = "sequence" in str(exc) or "inhomogeneous" in str(exc)
    if ragged:
        return ValueError(
            f"{name} has rows of different lengths (a ragged list of lists); give "
            "a rectangular array of numbers, one row per sample."
        )
    return ValueError(
        f"{name} must contain numbers, but holds {_first_non_number(values)!r}. "
        "Encode such values as numbers (e.g. OneHotEncoder for categories); "
        "this is a regressor: for class labels use a classifier."
    )


def validate_numeric(estimator, X, y="no_validation", **kwargs):
    """``validate_data(estimator, X, y, **kwargs)`` with clear conversion errors.

    Its finiteness test sums the data, which for finite values near the
    float64 limit overflows: numpy's warning about that sum is silenced (the
    test then looks at each value, and the fit names any overflow itself).
    """
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            return validate_data(estimator, X, y, **kwargs)
    except (TypeError, ValueError) as exc:
        if not _from_numpy(exc):
            raise
        for name, values in (("y", y), ("X", X)):
            if not isinstance(values, str):
                error = non_numeric_error(name, values)
                if error is not None:
                    raise error from exc
        raise ValueError(
            "X and y must be arrays of numbers of consistent shapes."
        ) from exc


def check_weights(sample_weight, X):
    """Non-negative sample weights in the dtype of ``X``, with clear errors."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            return _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
    except (TypeError, ValueError) as exc:
        if not _from_numpy(exc):
            raise
        error = non_numeric_error("sample_weight", sample_weight)
        raise (error or ValueError("sample_weight must be numbers.")) from exc


def targets_in_dtype(y, dtype):
    """The validated ``y`` as numbers of ``dtype`` (that of ``X``), all finite."""
    error = non_numeric_error("y", y)
    if error is not None:
        raise error
    with np.errstate(over="ignore"):
        Y = np.asarray(y, dtype=dtype)
    if np.all(np.isfinite(Y)):
        return Y
    top = largest_magnitude(np.asarray(y, dtype=np.float64))
    if not np.isfinite(top):
        raise ValueError("y contains missing values (None or NaN); give numbers.")
    raise ValueError(
        f"y has values up to {top:.3g}, beyond the range of "
        f"{np.dtype(dtype).name}, the dtype of X. Pass X as float64, or scale y."
    )
