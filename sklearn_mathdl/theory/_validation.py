"""Argument checks shared by the theory functions, with scikit-learn's wording."""

from numbers import Integral, Real

import numpy as np


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
