"""What LeastSquaresSentiment reads from its inputs: texts or a count matrix,
numeric targets and weights.

``X`` is texts when it is an iterable of str (a list, a 1-D array or Series),
or one text column in 2-D form (a one-column DataFrame, an ``(n, 1)`` array
of str); anything numeric is a count matrix. A list holding any str is
texts, so that a stray item (``None``, bytes, a nested list) is named by
:func:`~sklearn_mathdl.sentiment._vocabulary.check_texts` instead of failing
inside numpy. Targets and weights that are not numbers are named the same
way.
"""

import itertools
import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import _check_sample_weight, check_array

_SEQUENCE = list | tuple | np.ndarray


def _is_texts(X):
    """Whether ``X`` is an iterable of texts (else a count matrix)."""
    if isinstance(X, str | bytes):
        return True
    if sp.issparse(X):
        return False
    if hasattr(X, "ndim") and hasattr(X, "shape"):
        if X.ndim != 1:
            return False
        return np.asarray(X).dtype.kind in "OUST"
    if isinstance(X, list | tuple):
        if not X or any(map(isinstance, X, itertools.repeat(str | bytes))):
            return True  # check_texts names an empty list, or a stray item
        if any(map(isinstance, X, itertools.repeat(_SEQUENCE))):
            return False
        return not all(isinstance(e, numbers.Number) for e in X)
    return hasattr(X, "__iter__")


def _holds_text(dtype, head):
    """Whether a column of ``dtype`` holds text; ``head()`` gives its first
    values, read only for an object column (which may hold numbers)."""
    kind = getattr(dtype, "kind", None)
    if kind in ("U", "S"):
        return True
    return kind == "O" and any(map(isinstance, head(), itertools.repeat(str)))


def _nested_array(X):
    """A list (or tuple) of rows as an array; rows of unequal lengths are named.

    A flat list of numbers is returned as it is (scikit-learn names it).
    """
    lengths = {len(row) if isinstance(row, _SEQUENCE) else -1 for row in X}
    if lengths == {-1}:
        return X
    if len(lengths) == 1:
        try:
            return np.asarray(X)
        except ValueError:  # rows nested unevenly deeper down
            pass
    raise ValueError(
        "X is a nested sequence whose rows differ in length or depth: "
        "LeastSquaresSentiment reads either texts (a list of str, one per "
        "sample) or a count matrix (rows of numbers, all of the same length). "
        "Join each sample's tokens into one str, or pad the rows."
    )


def _frame_text_column(X):
    """The texts of a DataFrame of one text column; None if no column is text."""
    text = [
        str(name)
        for j, (name, dtype) in enumerate(zip(X.columns, X.dtypes))
        if _holds_text(dtype, lambda j=j: X.iloc[:1000, j])
    ]
    if not text:
        return None
    if X.shape[1] == 1:
        return X.iloc[:, 0].tolist()
    raise ValueError(
        f"X is a DataFrame with {X.shape[1]} columns, of which {text} hold "
        "text: LeastSquaresSentiment reads one text per sample. Select the "
        "text column (df[['text']] or df['text']), or join the columns into "
        "one text, e.g. df['title'] + ' ' + df['body']."
    )


def _one_text_column(X):
    """The texts of a 2-D input of one text column, else None.

    A pandas DataFrame of one text column (``df[["text"]]``) or an
    ``(n_samples, 1)`` array of str or object (a ``ColumnTransformer``
    passthrough) is one text per row; a 2-D input with several columns of which
    any holds text raises, since only one text per sample can be read. Only
    the dtypes, and the first 1000 values of object columns, are read.
    """
    if sp.issparse(X) or getattr(X, "ndim", None) != 2:
        return None
    if getattr(X, "columns", None) is not None:  # a DataFrame: a dtype per column
        return _frame_text_column(X)
    X = np.asarray(X)
    if not _holds_text(X.dtype, lambda: X[:1000].ravel()):
        return None
    if X.shape[1] == 1:
        return X[:, 0]
    raise ValueError(
        f"X is a 2-D array of shape {X.shape} holding text: LeastSquaresSentiment "
        "reads one text per sample, as shape (n_samples,) or (n_samples, 1). "
        "Select one column, or join the columns into one text per sample."
    )


def read_input(X):
    """``(texts, None)`` when ``X`` holds texts, else ``(None, X)``: a count
    matrix to validate (a nested list turned into an array first)."""
    if isinstance(X, list | tuple) and not _is_texts(X):
        X = _nested_array(X)
    column = _one_text_column(X)
    if column is not None:
        return column, None
    if _is_texts(X):
        return X, None
    return None, X


def check_numbers(values, name, advice):
    """``values`` (a 1-D sequence, or None), with any str or object entries
    read as numbers; raise naming the first entry that is not a number.

    Numeric strings such as ``"1.5"`` are numbers, as for scikit-learn.
    Numeric input is returned unchanged, for scikit-learn's own checks.
    """
    if values is None or sp.issparse(values):
        return values
    try:
        array = np.asarray(values)
    except ValueError:  # a ragged nested sequence
        raise ValueError(
            f"{name} must be a 1-D sequence of numbers, got a nested sequence "
            f"of uneven rows. {advice}"
        ) from None
    if array.dtype.kind not in "OUS":
        return values
    try:
        return array.astype(np.float64)
    except (TypeError, ValueError):
        pass
    for i, value in enumerate(array.ravel().tolist()):
        try:
            float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must hold numbers; {name}[{i}] is "
                f"{type(value).__name__} {value!r:.40}. {advice}"
            ) from None
    raise ValueError(f"{name} must be a 1-D sequence of numbers. {advice}")


TARGET_ADVICE = (
    "LeastSquaresSentiment fits numeric scores (ratings): encode labels as "
    "numbers, e.g. y = np.where(labels == 'pos', 1.0, -1.0)."
)


def check_targets(y, n_samples):
    """``y`` as a finite float64 vector of one score per text."""
    y = check_numbers(y, "y", TARGET_ADVICE)
    y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
    if y.ndim != 1:
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        else:
            raise ValueError(
                f"y must be 1-D (one score per text), got shape {y.shape}."
            )
    if y.shape[0] != n_samples:
        raise ValueError(
            f"Found {n_samples} texts but {y.shape[0]} targets: pass one "
            "target per text."
        )
    return y


def check_weights(sample_weight, C):
    """Non-negative, finite float64 weights of the rows of ``C``, not all 0."""
    sample_weight = check_numbers(
        sample_weight, "sample_weight", "Pass one non-negative number per sample."
    )
    sw = _check_sample_weight(
        sample_weight, C, dtype=np.float64, ensure_non_negative=True
    )
    if not sw.max(initial=0.0) > 0:  # the sum may overflow
        raise ValueError("The sample weights sum to zero: nothing to fit.")
    return sw
