"""Fault suite of KolmogorovArnoldRegressor: whatever goes wrong, a clear error
and an untouched model (the house pattern of tests/neural_network/test_faults.py).

(a) generated input, extreme finite values and bad sample weights included,
    gives a ValueError/TypeError worded by us or a model with finite
    predictions;
(b) a failed refit leaves the pickle bytes as they were;
(c) Ctrl-C at a hypothesis-chosen package line of ``fit`` leaves the pickle
    bytes as they were and propagates;
(d) a faulty base-function plugin is named in the error.
"""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sklearn_mathdl import KolmogorovArnoldRegressor
from sklearn_mathdl.neural_network.activations import Swish
from tests.faults import (
    INTERNAL_PHRASES,
    assert_call_is_transaction,
    count_package_lines,
    interrupt_at_line,
    pickled,
)
from tests.neural_network.test_faults import _process_state_restored

EXTREME = [0.0, 1.0, -1.0, 1e-300, 1e6, -1e6, 1e30, 1e150, 1e300, -1e300, 1.7e308]
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def estimators(draw):
    """A small regressor, fitted on clean data or not."""
    est = KolmogorovArnoldRegressor(
        widths=draw(st.sampled_from([(), (2,), (2, 2)])),
        n_knots=draw(st.sampled_from([3, (3, 5)])),
        solver=draw(st.sampled_from(["lbfgs", "adam"])),
        grid_updates=1,
        max_iter=draw(st.integers(1, 4)),
        early_stopping=draw(st.booleans()),
        l1_penalty=draw(st.sampled_from([0.0, 0.01])),
        entropy_penalty=draw(st.sampled_from([0.0, 0.01])),
        random_state=0,
    )
    if draw(st.booleans()):
        _fit_quietly(est, *_clean_data())
    return est


def _clean_data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, X @ np.array([1.0, -2.0, 0.5])


def _fit_quietly(est, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        return est.fit(X, y, **kwargs)


@st.composite
def inputs(draw):
    n = draw(st.integers(1, 12))
    d = draw(st.integers(1, 4))
    value = st.one_of(
        st.sampled_from(EXTREME), st.floats(-10, 10, allow_nan=False, width=64)
    )
    X = np.array(draw(st.lists(value, min_size=n * d, max_size=n * d))).reshape(n, d)
    k = draw(st.sampled_from([1, 2]))
    y = np.array(draw(st.lists(value, min_size=n * k, max_size=n * k)))
    y = y.reshape(n, k) if k > 1 else y
    if draw(st.integers(0, 9)) == 0:
        y = y.astype(str)
    weights = draw(
        st.sampled_from(["none", "ones", "zeros", "negative", "huge", "short"])
    )
    sample_weight = {
        "none": None,
        "ones": np.ones(n),
        "zeros": np.zeros(n),
        "negative": -np.ones(n),
        "huge": np.full(n, 1e308),
        "short": np.ones(n + 1),
    }[weights]
    return X, y, sample_weight


def _assert_our_wording(exc):
    for phrase in INTERNAL_PHRASES:
        assert phrase not in str(exc), f"internal phrase {phrase!r} in: {exc}"


@SETTINGS
@given(data=st.data(), est=estimators())
def test_generated_input_gives_a_clear_error_or_a_finite_model(data, est):
    X, y, sample_weight = data.draw(inputs())
    before = pickled(est)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=RuntimeWarning)
        try:
            _fit_quietly(est, X, y, sample_weight=sample_weight)
        except (ValueError, TypeError) as exc:
            _assert_our_wording(exc)
            assert pickled(est) == before, f"{exc!r} left the estimator changed"
            return
        prediction = est.predict(X)
    assert np.isfinite(prediction).all(), prediction


@SETTINGS
@given(est=estimators(), scale=st.sampled_from([1e150, 1e300, -1e300]))
def test_a_failed_refit_leaves_the_pickle_bytes_identical(est, scale):
    X, y = _clean_data(seed=1)

    def call(est):
        _fit_quietly(est, X, y * scale)

    exc = assert_call_is_transaction(est, call)
    if exc is not None:
        assert isinstance(exc, ValueError)
        _assert_our_wording(exc)
        assert "Fix the plugin" not in str(exc)
    else:
        assert np.isfinite(est.predict(X)).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(est=estimators(), where=st.floats(0, 1))
def test_ctrl_c_at_any_line_undoes_the_fit(est, where):
    X, y = _clean_data(n=16, seed=2)
    before = pickled(est)
    fresh = pickle.loads(before)
    lines = count_package_lines(lambda: _fit_quietly(fresh, X, y))
    line = 1 + int(where * (lines - 1))
    with _process_state_restored(), pytest.raises(KeyboardInterrupt):
        with interrupt_at_line(line):
            _fit_quietly(est, X, y)
    assert pickled(est) == before, f"Ctrl-C at package line {line} of {lines}"


class FaultySiLU(Swish):
    """A SiLU that goes wrong from its ``after``-th call of ``method`` on."""

    def __init__(self, fault="forward-nan", after=1):
        self.fault = fault
        self.after = after
        self.beta = 1.0

    def _fails(self, method):
        if not self.fault.startswith(method):
            return False
        self.calls_ = getattr(self, "calls_", 0) + 1
        return self.calls_ >= self.after

    def forward(self, z):
        a = super().forward(z)
        return _broken(self.fault, a) if self._fails("forward") else a

    def backward(self, z, grad_output, output=None):
        grad = super().backward(z, grad_output, output)
        return _broken(self.fault, grad) if self._fails("backward") else grad


def _broken(fault, array):
    if fault.endswith("nan"):
        return array * np.nan
    if fault.endswith("shape"):
        return array[:, :-1] if array.shape[1] > 1 else array[:1]
    raise ZeroDivisionError("a bug in the plugin")


@SETTINGS
@given(
    est=estimators(),
    fault=st.sampled_from(
        [f"{m}-{k}" for m in ("forward", "backward") for k in ("nan", "shape", "raise")]
    ),
    after=st.integers(1, 6),
)
def test_a_faulty_base_function_is_named(est, fault, after):
    plugin = FaultySiLU(fault, after)
    est.set_params(base_function=plugin, widths=(2,))
    X, y = _clean_data(seed=3)
    before = pickled(est)
    try:
        _fit_quietly(est, X, y)
    except ValueError as exc:
        message = str(exc)
        assert repr(plugin) in message and "Fix" in message, message
        assert pickled(est) == before
        return
    # A fault that never fired (too few calls) leaves a finite model.
    assert np.isfinite(est.predict(X)).all()
