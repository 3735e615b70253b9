"""Fault suite of LeastSquaresSentiment: generated bad and extreme input,
faulty tokenizers, failed refits and Ctrl-C at any line of fit and partial_fit.

(a) any generated input (texts with unicode, blank, huge, nested or
    non-string items, None, bytes; count matrices with values up to 1.7e308
    and down to 5e-324; extreme, str or mismatched targets and weights) gives
    a clear ValueError/TypeError, or a model whose predictions are finite;
(b) a call that raises leaves the pickle bytes of the estimator as they were
    (unfitted, fitted, or in the middle of partial_fit);
(c) Ctrl-C injected at a chosen line of fit or partial_fit leaves them too;
(d) a tokenizer that raises or returns something else than a list of str is
    named in the error.
"""

import copy
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_mathdl import LeastSquaresSentiment
from sklearn_mathdl.sentiment.tokenizers import Tokenizer
from tests.faults import (
    INTERNAL_PHRASES,
    assert_call_is_transaction,
    count_package_lines,
    interrupt_at_line,
    pickled,
)

TEXTS = ["loved it", "hated the plot", "a good film", "bad, bad film", "good cast"]
Y = np.array([2.0, -2.0, 1.5, -1.8, 1.2])

WORDS = st.sampled_from(
    ["", "   ", "\t\n", "loved it", "hated it", "good film", "bad bad plot",
     "東京 ✨ été", "don’t LOVE", "x" * 5000, "word " * 3000, "\x00\x1e", "İΣς"]
)  # fmt: skip
TEXT = st.one_of(WORDS, st.text(max_size=30))
STRAY = st.one_of(
    st.none(),
    st.binary(max_size=4),
    st.lists(st.text(max_size=4), max_size=2),
    st.integers(),
    st.floats(),
    st.tuples(st.text(max_size=3)),
)
ODD_X = st.sampled_from(
    ["one text", [["good"], ["bad"]], [["good", "film"], ["bad"]], [[1.0, 2.0], [3.0]],
     np.array(["good", "bad"]), np.array([["good"], ["bad"]], dtype=object), []]
)  # fmt: skip
EXTREME = [0.0, 1.0, -1.0, 3.5, 1e20, 1e154, 1e300, -1e300, 1.7e308, -1.7e308,
           1e-300, 5e-324, -5e-324]  # fmt: skip
NUMBER = st.one_of(st.sampled_from(EXTREME), st.floats(-1e6, 1e6))
BAD_TARGET = st.sampled_from(["pos", "1.5", np.nan, None, [1.0]])
WEIGHT = st.one_of(
    st.sampled_from([1.0, 0.0, 2.5, 1e20, 1e300, 1.7e308, 1e-300, 5e-324]),
    st.floats(0, 10),
)
BAD_WEIGHT = st.sampled_from([-1.0, np.inf, "a", "2"])
PARAMS = st.fixed_dictionaries(
    {
        "alpha": st.sampled_from([0.0, 1e-300, 1e-8, 1.0, 10.0, 1e300]),
        "ngram_range": st.sampled_from([(1, 1), (1, 2), (2, 2)]),
        "binary": st.booleans(),
        "min_df": st.sampled_from([1, 1, 2, 0.5]),
        "fit_intercept": st.booleans(),
        "solver": st.sampled_from(["auto", "pcg", "cg"]),
        "max_iter": st.sampled_from([None, None, 3]),
    }
)


@st.composite
def _vector(draw, n, good, bad):
    """``n`` values of ``good``; now and then one of ``bad``, or a wrong length."""
    n = draw(st.sampled_from([n] * 8 + [n + 1, max(n - 1, 0)]))
    values = draw(st.lists(good, min_size=n, max_size=n))
    if values and draw(st.integers(0, 5)) == 0:
        values[draw(st.integers(0, n - 1))] = draw(bad)
    return values


@st.composite
def samples(draw, X):
    """Targets and weights (or None) for ``X``."""
    n = X.shape[0] if hasattr(X, "shape") else len(X)
    y = draw(_vector(n, NUMBER, BAD_TARGET))
    weights = draw(st.one_of(st.none(), _vector(n, WEIGHT, BAD_WEIGHT)))
    return y, weights


TEXT_X = st.one_of(
    st.lists(TEXT, min_size=1, max_size=10),
    st.lists(TEXT, min_size=1, max_size=10),
    st.lists(TEXT, min_size=1, max_size=10),
    st.lists(st.one_of(TEXT, TEXT, TEXT, STRAY), max_size=10),
    ODD_X,
)


@st.composite
def count_matrices(draw):
    n, p = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    values = draw(
        st.lists(st.one_of(NUMBER, st.just(0.0)), min_size=n * p, max_size=n * p)
    )
    X = np.array(values).reshape(n, p)
    return sp.csr_matrix(X) if draw(st.booleans()) else X


def _base(kind):
    """A fresh estimator: unfitted, fitted (texts or counts), or after two
    partial_fit batches (texts or counts)."""
    model = LeastSquaresSentiment(alpha=0.5)
    counts = sp.csr_matrix(np.array([[1.0, 0, 2], [0, 1, 1], [3, 1, 0], [1, 1, 1]]))
    if kind == "fitted_texts":
        model.fit(TEXTS, Y)
    elif kind == "partial_texts":
        model.partial_fit(TEXTS[:3], Y[:3]).partial_fit(TEXTS[3:], Y[3:])
    elif kind == "fitted_counts":
        model.fit(counts, Y[:4])
    elif kind == "partial_counts":
        model.partial_fit(counts[:2], Y[:2]).partial_fit(counts[2:], Y[2:4])
    return model


BASES = {
    kind: _base(kind)
    for kind in ("unfitted", "fitted_texts", "partial_texts", "fitted_counts",
                 "partial_counts")
}  # fmt: skip


def _check_outcome(model, call, X):
    """(a) and (b): the call raises a clear error and changes nothing, or the
    model it leaves predicts finite values on ``X``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # ConvergenceWarning
        warnings.simplefilter("error", category=RuntimeWarning)
        exc = assert_call_is_transaction(model, call)
    event("raised" if exc is not None else "fitted")
    if exc is not None:
        event(f"{type(exc).__name__}: {str(exc)[:40]}")
        # scikit-learn's or ours, not an internal error class (UFuncTypeError)
        assert type(exc) in (ValueError, TypeError, InvalidParameterError), repr(exc)
        message = str(exc)
        assert not any(phrase in message for phrase in INTERNAL_PHRASES), message
        return exc
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_)
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=RuntimeWarning)
        predictions = model.predict(X)
    assert np.isfinite(predictions).all(), (predictions, model.coef_)
    if hasattr(model, "vocabulary_"):
        assert np.isfinite(model.predict(["", "loved it " * 1000])).all()
    return None


@settings(max_examples=300, deadline=None)
@given(
    X=TEXT_X,
    data=st.data(),
    params=PARAMS,
    base=st.sampled_from(sorted(BASES)),
    method=st.sampled_from(["fit", "partial_fit"]),
)
def test_texts_give_clear_errors_or_finite_models(X, data, params, base, method):
    y, weights = data.draw(samples(X))
    model = copy.deepcopy(BASES[base]).set_params(**params)
    _check_outcome(model, lambda m: getattr(m, method)(X, y, sample_weight=weights), X)


# Refusals allowed for valid (finite, well-formed) but extreme input: each
# names the scale at fault, or the vocabulary filters.
SCALE_ERRORS = (
    "y's scale",
    "alpha=",
    "The normal equations overflow",
    "partial_fit's accumulated statistics",
    "The count matrix X has",
    "Empty vocabulary: min_df=",
    "Empty vocabulary: no text has 2 tokens",
    "Sample weights must contain at least one non-zero",  # all drawn as 0
)


@settings(max_examples=300, deadline=None)
@given(
    X=st.lists(TEXT, min_size=1, max_size=8).map(lambda t: [*t, "loved it"]),
    data=st.data(),
    params=PARAMS,
    base=st.sampled_from(["unfitted", "fitted_texts", "partial_texts"]),
    method=st.sampled_from(["fit", "partial_fit"]),
)
def test_valid_extreme_texts_fit_or_name_the_scale(X, data, params, base, method):
    n = len(X)
    y = data.draw(st.lists(NUMBER, min_size=n, max_size=n))
    weights = data.draw(st.one_of(st.none(), st.lists(WEIGHT, min_size=n, max_size=n)))
    model = copy.deepcopy(BASES[base]).set_params(**params)
    exc = _check_outcome(
        model, lambda m: getattr(m, method)(X, y, sample_weight=weights), X
    )
    if exc is not None:
        assert str(exc).startswith(SCALE_ERRORS), str(exc)


@settings(max_examples=300, deadline=None)
@given(
    X=count_matrices(),
    data=st.data(),
    params=PARAMS,
    base=st.sampled_from(["unfitted", "fitted_counts", "partial_counts"]),
    method=st.sampled_from(["fit", "partial_fit"]),
)
def test_count_matrices_give_clear_errors_or_finite_models(
    X, data, params, base, method
):
    y, weights = data.draw(samples(X))
    model = copy.deepcopy(BASES[base]).set_params(**params)
    _check_outcome(model, lambda m: getattr(m, method)(X, y, sample_weight=weights), X)


def test_extreme_targets_are_solved_exactly_or_refused():
    """y rescaled by a power of two gives the same scores, scaled: exactly."""
    texts = TEXTS * 2
    y = np.concatenate([Y, -Y[::-1]])
    reference = LeastSquaresSentiment(alpha=0.5).fit(texts, y)
    for factor in (2.0**-1000, 2.0**-70, 2.0**70, 2.0**900):
        scaled = LeastSquaresSentiment(alpha=0.5).fit(texts, y * factor)
        np.testing.assert_array_equal(scaled.coef_, reference.coef_ * factor)
        assert scaled.intercept_ == reference.intercept_ * factor
        assert scaled.n_iter_ == reference.n_iter_
    weighted = LeastSquaresSentiment(alpha=0.5 * 2.0**1000)
    weighted.fit(texts, y, sample_weight=np.full(len(y), 2.0**1000))
    np.testing.assert_array_equal(weighted.coef_, reference.coef_)
    with pytest.raises(ValueError, match=r"y's scale \(largest \|y\| = 1.7e\+308\)"):
        LeastSquaresSentiment().fit(texts, y / np.abs(y).max() * 1.7e308)


@pytest.mark.parametrize(
    "X, ngram_range, match",
    [
        (["", " ", "!!"], (1, 1), "Empty vocabulary: the texts hold no tokens"),
        (["", " ", "!!"], (2, 2), "Empty vocabulary: no text has 2 tokens"),
        (["good", "bad"], (2, 3), r"no text has 2 tokens.*ngram_range=\(1, 3\)"),
        (["good", ["bad"]], (1, 1), r"X\[1\] is list"),
        ([["good", "film"], ["bad"]], (1, 1), "rows differ in length"),
    ],
)
def test_named_input_errors(X, ngram_range, match):
    model = LeastSquaresSentiment(ngram_range=ngram_range)
    for method in (model.fit, model.partial_fit):
        with pytest.raises((ValueError, TypeError), match=match):
            method(X, [1.0, 2.0, 3.0][: len(X)])


def test_blank_texts_predict_the_intercept():
    model = LeastSquaresSentiment(ngram_range=(2, 2)).fit(TEXTS, Y)
    assert np.array_equal(model.predict(["", "  ", "one"]), [model.intercept_] * 3)


def test_str_targets_are_named():
    with pytest.raises(ValueError, match=r"y\[0\] is str 'pos'.*encode labels"):
        LeastSquaresSentiment().fit(["good", "bad"], ["pos", "neg"])
    with pytest.raises(ValueError, match=r"sample_weight\[1\] is str"):
        LeastSquaresSentiment().fit(["good", "bad"], [1.0, 2.0], ["1", "a"])


# ------------------------------------------------------------ (d) tokenizers
def raises_zero_division(text):
    return [len(text) / 0]


def returns_nan(text):
    return text.split() + [float("nan")]


def returns_nested(text):
    return [text.split()]


def returns_bytes(text):
    return [t.encode() for t in text.split()]


def returns_generator(text):
    return (t for t in text.split())


def returns_none(text):
    return None


class RaisingChunks(Tokenizer):
    """Tokenised per distinct chunk (whitespace_separable), raising on one."""

    whitespace_separable = True

    def __call__(self, text):
        if text == "plot":
            raise KeyError(text)
        return [text]


class IntChunks(Tokenizer):
    whitespace_separable = True

    def __call__(self, text):
        return [len(text)]


FAULTY = [
    (raises_zero_division, "raises_zero_division raised ZeroDivisionError"),
    (returns_nan, r"returns_nan returned the token nan \(float\) for the text"),
    (returns_nested, r"returns_nested returned the token \['loved', 'it'\]"),
    (returns_bytes, r"returns_bytes returned the token b'loved' \(bytes\)"),
    (returns_generator, "returns_generator returned generator"),
    (returns_none, "returns_none returned NoneType"),
    (RaisingChunks(), r"RaisingChunks\(\) raised KeyError: 'plot' on the text 'plot'"),
    (IntChunks(), r"IntChunks\(\) returned the token 5 \(int\)"),
]


@pytest.mark.parametrize("tokenizer, match", FAULTY)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_faulty_tokenizer_is_named(tokenizer, match, method):
    model = LeastSquaresSentiment().fit(TEXTS, Y)
    before = pickled(model.set_params(tokenizer=tokenizer))
    with pytest.raises((ValueError, TypeError), match=match):
        getattr(model, method)(TEXTS, Y)
    assert pickled(model) == before


def test_faulty_tokenizer_is_named_at_predict_and_explain():
    model = LeastSquaresSentiment().fit(TEXTS, Y)
    model.set_params(tokenizer=raises_zero_division)
    with pytest.raises(ValueError, match="raises_zero_division raised"):
        model.predict(["loved it"])
    with pytest.raises(ValueError, match="raises_zero_division raised"):
        model.explain("loved it")


# ----------------------------------------------------------- (c) Ctrl-C
COUNTS = sp.csr_matrix(np.array([[1.0, 0, 2], [0, 1, 1], [3, 1, 0], [1, 1, 1]]))
SCENARIOS = {
    "fit unfitted": ("unfitted", "fit", TEXTS, Y),
    "fit fitted": ("fitted_texts", "fit", TEXTS[:4], Y[:4]),
    "fit after partial_fit": ("partial_texts", "fit", TEXTS, -Y),
    "partial_fit unfitted": ("unfitted", "partial_fit", TEXTS, Y),
    "partial_fit fitted": ("fitted_texts", "partial_fit", TEXTS[:3], Y[:3]),
    "partial_fit third batch": ("partial_texts", "partial_fit", ["great cast"], [3.0]),
    "fit counts": ("fitted_counts", "fit", COUNTS, -Y[:4]),
    "fit counts unfitted": ("unfitted", "fit", COUNTS.toarray(), Y[:4]),
    "partial_fit counts unfitted": ("unfitted", "partial_fit", COUNTS, Y[:4]),
    "partial_fit counts": ("partial_counts", "partial_fit", COUNTS[:2], Y[:2]),
}
_LINES = {}


def _call(scenario):
    base, method, X, y = SCENARIOS[scenario]
    model = copy.deepcopy(BASES[base]).set_params(ngram_range=(1, 2))
    return model, lambda: getattr(model, method)(X, y)


def _lines(scenario):
    """Package lines the call executes (counted after a warm-up run)."""
    if scenario not in _LINES:
        _call(scenario)[1]()
        model, call = _call(scenario)
        _LINES[scenario] = count_package_lines(call)
    return _LINES[scenario]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=st.sampled_from(sorted(SCENARIOS)), where=st.floats(0, 1))
def test_ctrl_c_at_any_line_leaves_the_estimator_unchanged(scenario, where):
    n_lines = _lines(scenario)
    line = 1 + int(where * (n_lines - 1))
    model, call = _call(scenario)
    before = pickled(model)
    with pytest.raises(KeyboardInterrupt, match=f"package line {line}$"):
        with interrupt_at_line(line):
            call()
    assert pickled(model) == before, f"{scenario}: interrupted at line {line}"
    call()  # and the estimator still works
    assert np.isfinite(model.coef_).all()


def test_ctrl_c_suite_reaches_every_line():
    """The scenarios are long enough for the sampled lines to matter, and
    interrupting at the last line still interrupts."""
    for scenario in SCENARIOS:
        n_lines = _lines(scenario)
        assert n_lines > 300, (scenario, n_lines)
        model, call = _call(scenario)
        before = pickled(model)
        with pytest.raises(KeyboardInterrupt):
            with interrupt_at_line(n_lines):
                call()
        assert pickled(model) == before


def test_unfitted_row_that_would_overflow_is_named():
    """A row of zero weight is not fitted: holding 1e154 it would predict inf."""
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1e154, 0.0]])
    model = LeastSquaresSentiment(alpha=1e-8, fit_intercept=False)
    with pytest.raises(ValueError, match="X has values up to 1e\\+154.*zero weight"):
        model.fit(X, [1e160, 1.0, 0.0], sample_weight=[1.0, 1.0, 0.0])
    model.fit(X[:2], [1e160, 1.0])  # the same scores, without the huge row
    assert np.isfinite(model.predict(X[:2])).all()
