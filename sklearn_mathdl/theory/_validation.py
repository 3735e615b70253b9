"""Argument checks shared by the theory functions, with scikit-learn's wording."""

from numbers import Integral, Real

import numpy as np

from sklearn_mathdl.neural_network import MLPClassifier, MLPRegressor


def check_positive_integer(value, name):
    """``value`` as an int, or a ValueError saying it must be an integer >= 1.

    Booleans and integral floats (``2.0``) are refused: they are not counts.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")
    return int(value)


def check_nonnegative(value, name, *, allow_inf=False):
    """``value`` as a float, or a ValueError saying it must be a number >= 0."""
    kind = "a number >= 0 (inf allowed)" if allow_inf else "a finite number >= 0"
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise ValueError(f"{name} must be {kind}, got {value!r}.")
    value = float(value)
    if np.isnan(value) or value < 0 or (np.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be {kind}, got {value!r}.")
    return value


def check_integer_in_range(value, name, low, high):
    """``value`` as an int in ``[low, high]``, or a ValueError naming the range."""
    if (
        isinstance(value, bool | np.bool_)
        or not isinstance(value, Integral)
        or not low <= value <= high
    ):
        raise ValueError(
            f"{name} must be an integer in [{low}, {high}], got {value!r}."
        )
    return int(value)


def check_probability(value, name):
    """``value`` as a float in ``[0, 1]``, or a ValueError saying so."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}.")
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}.")
    return value


def check_positive_real(value, name):
    """``value`` as a float, or a ValueError saying it must be a finite number > 0."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}.")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}.")
    return value


def check_interaction_tensor(J):
    """``J`` as a float array with p >= 2 equal axes and finite entries."""
    J = np.asarray(J, dtype=float)
    if J.ndim < 2:
        raise ValueError(
            f"J must have p >= 2 axes (a p-spin glass needs p >= 2; p = 2 is the "
            f"SK model), got an array of shape {J.shape}. Pass the couplings "
            "J[i1, ..., ip] as an array of shape (N,) * p."
        )
    if len(set(J.shape)) != 1 or J.shape[0] == 0:
        raise ValueError(
            f"J must have p equal axes of length N >= 1, shape (N,) * p, got shape "
            f"{J.shape}."
        )
    if not np.all(np.isfinite(J)):
        raise ValueError("J contains NaN or infinity; the couplings must be finite.")
    return J


def check_mlp_estimator(estimator, name):
    """Raise a TypeError unless ``estimator`` is an sklearn_mathdl MLP."""
    if not isinstance(estimator, MLPClassifier | MLPRegressor):
        raise TypeError(
            f"{name} must be an sklearn_mathdl MLPClassifier or MLPRegressor "
            f"instance, got {type(estimator).__name__}. Wrap your network as "
            "sklearn_mathdl.MLPClassifier(...) or MLPRegressor(...)."
        )
    return estimator
