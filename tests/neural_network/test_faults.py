"""Fault suite of the MLPs: whatever goes wrong, a clear error and an untouched model.

Over generated scenarios (classifier or regressor; ``adam``, ``sgd`` or
``lbfgs``; ``fit`` or ``partial_fit``; unfitted, fitted, ``warm_start``):

(a) generated input, extreme finite values, labels of mixed types and bad
    sample weights included, gives a ``ValueError``/``TypeError`` worded by
    us (none of NumPy's or Python's internal phrases) or a model whose
    predictions are finite, with at most one warning per cause;
(b) a call that raises leaves the estimator's pickle bytes as they were;
(c) Ctrl-C at any package line of ``fit``/``partial_fit`` (chosen by
    hypothesis) leaves the pickle bytes as they were, optimizer state
    included, and propagates;
(d) a faulty plugin (NaN from an activation's forward or backward pass or
    from a loss's value or gradient, a wrong shape, an exception) is named
    in the error, never the learning rate or the data.
"""

import contextlib
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController

from sklearn_mathdl import MLPClassifier, MLPRegressor
from sklearn_mathdl.neural_network.activations import ReLU
from sklearn_mathdl.neural_network.losses import LogLoss
from sklearn_mathdl.neural_network.regression_losses import SquaredError
from tests.faults import (
    INTERNAL_PHRASES,
    assert_call_is_transaction,
    count_package_lines,
    interrupt_at_line,
    pickled,
)

EXTREME = [0.0, 1.0, -1.0, 1e-300, -1e-300, 1e6, -1e6, 1e30, 3e38, 1e150, 1e300, -1e300]
SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ------------------------------------------------------------------ scenarios
@st.composite
def scenarios(draw):
    """An estimator ready for one call: which, solver, state, call."""
    Estimator = draw(st.sampled_from([MLPClassifier, MLPRegressor]))
    solver = draw(st.sampled_from(["adam", "sgd", "lbfgs"]))
    method = draw(st.sampled_from(["fit", "partial_fit"]))
    if solver == "lbfgs":
        method = "fit"
    est = Estimator(
        hidden_layer_sizes=(3,),
        solver=solver,
        max_iter=draw(st.integers(1, 4)),
        batch_size=draw(st.integers(2, 8)),
        warm_start=draw(st.booleans()),
        early_stopping=method == "fit" and draw(st.booleans()),
        dtype=draw(st.sampled_from([None, "float32"])),
        random_state=0,
    )
    fitted = draw(st.booleans())
    return est, method, fitted


def _fit_quietly(est, method, X, y, **kwargs):
    if method == "partial_fit" and isinstance(est, MLPClassifier) and y.ndim == 1:
        # Every label once, in order of appearance: np.unique would sort them.
        kwargs.setdefault("classes", np.array(list(dict.fromkeys(y)), y.dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return getattr(est, method)(X, y, **kwargs)


def _clean_data(est, n=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    if isinstance(est, MLPClassifier):
        return X, np.arange(n) % 3
    return X, X @ np.array([1.0, -2.0, 0.5])


def _prepared(scenario):
    """The scenario's estimator, fitted first on clean data if it says so."""
    est, method, fitted = scenario
    if fitted:
        _fit_quietly(est, method, *_clean_data(est))
    return est, method


@st.composite
def inputs(draw, est):
    """Generated X, y and sample_weight, with extreme and faulty values."""
    n = draw(st.integers(1, 12))
    n_features = 3 if draw(st.booleans()) else draw(st.integers(1, 4))
    value = st.one_of(
        st.sampled_from(EXTREME), st.floats(-10, 10, allow_nan=False, width=64)
    )
    X = np.array(
        draw(st.lists(value, min_size=n * n_features, max_size=n * n_features))
    )
    X = X.reshape(n, n_features)
    if isinstance(est, MLPClassifier):
        kind = draw(st.sampled_from(["int", "str", "mixed", "bool", "multilabel"]))
        if kind == "multilabel":
            flags = st.lists(st.integers(0, 1), min_size=2 * n, max_size=2 * n)
            return X, np.array(draw(flags)).reshape(n, 2), None
        choices = {
            "int": [0, 1, 2],
            "str": ["a", "b", "c"],
            "mixed": [0, "a", 1, "b"],
            "bool": [True, False],
        }[kind]
        y = np.array(
            draw(st.lists(st.sampled_from(choices), min_size=n, max_size=n)),
            dtype=object if kind == "mixed" else None,
        )
    else:
        n_targets = draw(st.sampled_from([1, 1, 2]))
        y = np.array(
            draw(st.lists(value, min_size=n * n_targets, max_size=n * n_targets))
        )
        y = y.reshape(n, n_targets) if n_targets > 1 else y
        if draw(st.integers(0, 9)) == 0:
            y = y.astype(str)
    weights = draw(
        st.sampled_from(["none", "ones", "zeros", "negative", "huge", "tiny", "short"])
    )
    sample_weight = {
        "none": None,
        "ones": np.ones(n),
        "zeros": np.zeros(n),
        "negative": -np.ones(n),
        "huge": np.full(n, 1e308),
        "tiny": np.full(n, 1e-300),
        "short": np.ones(n + 1),
    }[weights]
    return X, y, sample_weight


def _assert_our_wording(exc):
    message = str(exc)
    for phrase in INTERNAL_PHRASES:
        assert phrase not in message, f"internal phrase {phrase!r} in: {message}"


def _assert_finite_predictions(est, X):
    predict = est.predict_proba if isinstance(est, MLPClassifier) else est.predict
    prediction = np.asarray(predict(X), dtype=float)
    assert np.isfinite(prediction).all(), f"non-finite predictions: {prediction}"


# ------------------------------------------------------- (a) and (b): input
@SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_generated_input_gives_a_clear_error_or_a_finite_model(data, scenario):
    est, method = _prepared(scenario)
    X, y, sample_weight = data.draw(inputs(est))
    before = pickled(est)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("error", category=RuntimeWarning)
        try:
            _fit_quietly(est, method, X, y, sample_weight=sample_weight)
        except (ValueError, TypeError) as exc:
            _assert_our_wording(exc)
            assert pickled(est) == before, f"{exc!r} left the estimator changed"
            return
    messages = [(w.category, str(w.message)) for w in caught]
    assert len(messages) == len(set(messages)), f"a warning repeated: {messages}"
    _assert_finite_predictions(est, X)


@SETTINGS
@given(scenario=scenarios(), scale=st.sampled_from([1e150, 1e200, 1e300, -1e300]))
def test_a_failed_refit_leaves_the_pickle_bytes_identical(scenario, scale):
    est, method = _prepared(scenario)
    X, y = _clean_data(est, seed=1)
    bad = (X * scale, y) if isinstance(est, MLPClassifier) else (X, y * scale)

    def call(est):
        _fit_quietly(est, method, *bad)

    exc = assert_call_is_transaction(est, call)
    if exc is not None:
        assert isinstance(exc, ValueError)
        _assert_our_wording(exc)
        assert "Fix the plugin" not in str(exc)  # no built-in plugin is blamed
    else:
        _assert_finite_predictions(est, X)


# ----------------------------------------------------------------- (c): Ctrl-C
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), where=st.floats(0, 1))
def test_ctrl_c_at_any_line_undoes_the_call(scenario, where):
    est, method = _prepared(scenario)
    X, y = _clean_data(est, n=16, seed=2)
    before = pickled(est)

    def call(target):
        _fit_quietly(target, method, X, y)

    fresh = pickle.loads(before)
    lines = count_package_lines(lambda: call(fresh))
    line = 1 + int(where * (lines - 1))
    with _process_state_restored(), pytest.raises(KeyboardInterrupt):
        with interrupt_at_line(line):
            call(est)
    assert pickled(est) == before, f"Ctrl-C at package line {line} of {lines}"


@contextlib.contextmanager
def _process_state_restored():
    """Put NumPy's error state and the BLAS thread limit back afterwards.

    A ``KeyboardInterrupt`` raised at the line event of a ``with`` statement's
    exit skips its ``__exit__`` (CPython's ``with`` is not atomic with respect
    to asynchronous exceptions), so an interrupt injected there leaves the
    process's ``np.errstate`` or BLAS limit behind. The estimator is restored
    all the same (what this test checks); later tests must not inherit the
    process state.
    """
    errors = np.geterr()
    threads = [(lib, lib.num_threads) for lib in ThreadpoolController().lib_controllers]
    try:
        yield
    finally:
        np.seterr(**errors)
        for lib, n in threads:
            lib.set_num_threads(n)


# ------------------------------------------------------- (d): faulty plugins
class FaultyReLU(ReLU):
    """A ReLU that goes wrong from its ``after``-th call of ``method`` on."""

    def __init__(self, fault="forward-nan", after=1):
        self.fault = fault
        self.after = after

    def _fails(self, method):
        if not self.fault.startswith(method):
            return False
        self.calls_ = getattr(self, "calls_", 0) + 1
        return self.calls_ >= self.after

    def forward(self, z):
        a = super().forward(z)
        if self._fails("forward"):
            return _broken(self.fault, a)
        return a

    def backward(self, z, grad_output, output=None):
        grad = super().backward(z, grad_output, output)
        if self._fails("backward"):
            return _broken(self.fault, grad)
        return grad


def _broken(fault, array):
    if fault.endswith("nan"):
        return array * np.nan
    if fault.endswith("shape"):
        return array[:, :-1] if array.shape[1] > 1 else array[:1]
    raise ZeroDivisionError("a bug in the plugin")


def _faulty_loss(base):
    class FaultyLoss(base):
        def __init__(self, fault="value-nan", after=1):
            self.fault = fault
            self.after = after

        def per_sample(self, y, o):
            values, grads = super().per_sample(y, o)
            self.calls_ = getattr(self, "calls_", 0) + 1
            if self.calls_ < self.after:
                return values, grads
            if self.fault == "value-nan":
                return values * np.nan, grads
            if self.fault == "gradient-nan":
                return values, grads * np.nan
            if self.fault == "gradient-shape":
                return values, _broken("shape", grads)
            raise ZeroDivisionError("a bug in the plugin")

    FaultyLoss.__name__ = FaultyLoss.__qualname__ = f"Faulty{base.__name__}"
    return FaultyLoss


FaultyLogLoss = _faulty_loss(LogLoss)
FaultySquaredError = _faulty_loss(SquaredError)
ACTIVATION_FAULTS = [
    f"{m}-{k}" for m in ("forward", "backward") for k in ("nan", "shape", "raise")
]
LOSS_FAULTS = ["value-nan", "gradient-nan", "gradient-shape", "raise"]


@SETTINGS
@given(
    scenario=scenarios(),
    in_loss=st.booleans(),
    data=st.data(),
    after=st.integers(1, 6),
)
def test_a_faulty_plugin_is_named(scenario, in_loss, data, after):
    est, method = _prepared(scenario)
    if in_loss:
        base = FaultyLogLoss if isinstance(est, MLPClassifier) else FaultySquaredError
        plugin = base(data.draw(st.sampled_from(LOSS_FAULTS)), after)
        est.set_params(loss=plugin)
    else:
        plugin = FaultyReLU(data.draw(st.sampled_from(ACTIVATION_FAULTS)), after)
        est.set_params(activation=plugin)
    X, y = _clean_data(est, seed=3)
    before = pickled(est)
    try:
        _fit_quietly(est, method, X, y)
    except ValueError as exc:
        message = str(exc)
        assert repr(plugin) in message and "Fix" in message, message
        assert "learning_rate" not in message and "input data" not in message
        assert pickled(est) == before
        return
    # No error: the fault, due at a later call, never happened while fitting.
    fitted = est.loss_function_ if in_loss else est.network_.activations[0]
    assert getattr(fitted, "calls_", 0) < plugin.after, f"{plugin!r} went unnoticed"
