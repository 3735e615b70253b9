"""ShallowUniversalApproximator under faults, all three methods (hypothesis).

(a) Generated input, extreme finite values included: a clear error or a model
    whose predictions are finite, and at most one warning per cause.
(b) A refit that fails leaves the pickle bytes of the estimator unchanged.
(c) Ctrl-C at any package line of a fit leaves them unchanged too, and
    propagates.
(d) A faulty activation plugin is named in the error, with the method.
"""

import copy
import pickle
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from sklearn_mathdl import ShallowUniversalApproximator
from sklearn_mathdl.neural_network.activations import ElementwiseActivation
from tests.faults import (
    INTERNAL_PHRASES,
    assert_call_is_transaction,
    count_package_lines,
    interrupt_at_line,
    pickled,
)

METHODS = ["backprop", "random", "greedy"]
# Small settings: every fit here runs in milliseconds (and under tracing).
QUICK = dict(max_iter=5, n_candidates=4, refine_steps=2, random_state=0)


def examples(n):
    return settings(
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


EXTREMES = [1e300, -1e300, 1.7e308, -1.7e308, 1e-300, 5e-324, 0.0, 1.0]


def _values(draw, shape):
    """Moderate values with, at random, extreme entries and constant columns."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = rng.uniform(-1, 1, shape)
    scale = draw(st.sampled_from([1.0, 1e-300, 1e150, 1e300, 1e308]))
    values = values * scale
    for _ in range(draw(st.integers(0, 3))):
        index = tuple(int(rng.integers(0, n)) for n in shape)
        values[index] = draw(st.sampled_from(EXTREMES))
    if len(shape) == 2 and draw(st.booleans()):
        values[:, int(rng.integers(0, shape[1]))] = draw(st.sampled_from(EXTREMES))
    return values


@st.composite
def problems(draw):
    n, d = draw(st.integers(2, 25)), draw(st.integers(1, 3))
    X = _values(draw, (n, d))
    if draw(st.booleans()):
        X = sparse.csr_matrix(np.where(np.abs(X) < 0.3, 0.0, X))
    y = _values(draw, (n,) if draw(st.booleans()) else (n, 2))
    weights = draw(st.sampled_from([None, "ones", "huge", "tiny", "negative", "mixed"]))
    sample_weight = {
        None: None,
        "ones": np.ones(n),
        "huge": np.full(n, 1.7e308),
        "tiny": np.full(n, 1e-300),
        "negative": -np.ones(n),
        "mixed": np.where(np.arange(n) % 2, 1e300, 1e-10),
    }[weights]
    params = dict(
        QUICK,
        method=draw(st.sampled_from(METHODS)),
        n_neurons=draw(st.sampled_from([1, 3, 40])),
        weight_scale=draw(st.sampled_from([1e-300, 1e-3, 1.0, 1e6, 1e300])),
        activation=draw(st.sampled_from(["sigmoid", "tanh", "relu", "relu_cubed"])),
        init=draw(st.sampled_from(["random", "greedy"])),
    )
    return X, y, sample_weight, params


def _assert_clear(exc):
    message = str(exc)
    assert isinstance(exc, (ValueError, TypeError)), repr(exc)
    assert not any(phrase in message for phrase in INTERNAL_PHRASES), message


def _fit_recording(model, X, y, **kwargs):
    """Fit; return the exception (or None) and the warnings, all recorded."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.fit(X, y, **kwargs)
        except Exception as exc:  # judged by the caller
            return exc, caught
    return None, caught


# ---------------------------------------------------------------- (a) input
@examples(600)
@given(problems())
def test_extreme_input_gives_a_clear_error_or_a_finite_model(problem):
    X, y, sample_weight, params = problem
    model = ShallowUniversalApproximator(**params)
    exc, caught = _fit_recording(model, X, y, sample_weight=sample_weight)
    causes = Counter((w.category, str(w.message)) for w in caught)
    assert max(causes.values(), default=0) <= 1, causes
    if exc is not None:
        _assert_clear(exc)
        return
    with np.errstate(all="ignore"):
        assert np.isfinite(model.predict(X)).all()


@pytest.mark.parametrize("method", METHODS)
def test_each_cause_warns_once_per_fit(method):
    """batch_size larger than the data warns once; numpy's overflow, never."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (30, 2)) * np.array([1.7e308, 1.0])
    y = rng.uniform(-1e300, 1e300, 30)
    model = ShallowUniversalApproximator(
        8, method=method, solver="adam", batch_size=500, backprop_refine=2, **QUICK
    )
    exc, caught = _fit_recording(model, X, y)
    assert exc is None
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    messages = [str(w.message) for w in caught]
    assert len(messages) == len(set(messages)) <= 1


# ------------------------------------------------------------ (b) refits
def _data(seed=0, n=30):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    return X, np.sin(3 * X[:, 0]) + X[:, 1]


BAD_REFITS = {
    "nan target": lambda X, y: (X, np.where(np.arange(len(y)) == 3, np.nan, y), {}),
    "targets at the float limit": lambda X, y: (X, np.sign(y) * 1.7e308, {}),
    "negative weights": lambda X, y: (X, y, {"sample_weight": -np.ones(len(y))}),
    "vanishing weights": lambda X, y: (
        X,
        y,
        {"sample_weight": np.full(len(y), 5e-324)},
    ),
    "wrong feature count": lambda X, y: (X[:, :1], y[:-1], {}),
}


@examples(200)
@given(
    method=st.sampled_from(METHODS),
    bad=st.sampled_from(sorted(BAD_REFITS)),
    fitted=st.booleans(),
)
def test_failed_refit_leaves_the_pickle_unchanged(method, bad, fitted):
    X, y = _data()
    model = ShallowUniversalApproximator(6, method=method, **QUICK)
    if fitted:
        model.fit(X, y)
    X_bad, y_bad, kwargs = BAD_REFITS[bad](X, y)
    exc = assert_call_is_transaction(model, lambda est: est.fit(X_bad, y_bad, **kwargs))
    assert exc is not None
    _assert_clear(exc)


# ------------------------------------------------------------ (c) Ctrl-C
SETTINGS = {
    "backprop": dict(method="backprop"),
    "backprop from greedy": dict(method="backprop", init="greedy"),
    "random, refined": dict(method="random", backprop_refine=2),
    "greedy": dict(method="greedy"),
    "greedy, relaxed": dict(method="greedy", greedy="relaxed"),
}


def _interruptible(setting, fitted, seed_object=False):
    """An estimator (fitted or not) and the data of its next fit; with
    ``seed_object``, seeded by a RandomState that the fit consumes (the
    transaction rewinds it)."""
    model = ShallowUniversalApproximator(4, **SETTINGS[setting], **QUICK)
    if seed_object:
        model.set_params(random_state=np.random.RandomState(0))
    if fitted:
        model.fit(*_data(seed=2, n=20))
    return model, *_data(seed=1, n=20)


LINE_COUNTS = {}


def _count_once(*key):
    model, X, y = _interruptible(*key)
    return count_package_lines(lambda: model.fit(X, y))


def _line_count(*key):
    """Package lines run by the fit that the test interrupts (after a first
    run, which may fill caches: plugin parameter names, registry lookups)."""
    if key not in LINE_COUNTS:
        counts = [_count_once(*key) for _ in range(3)]
        assert counts[1] == counts[2], counts  # the fit is deterministic
        LINE_COUNTS[key] = counts[2]
    return LINE_COUNTS[key]


@examples(400)
@given(
    setting=st.sampled_from(sorted(SETTINGS)),
    fitted=st.booleans(),
    seed_object=st.booleans(),
    where=st.floats(0.0, 1.0, exclude_max=True),
)
def test_ctrl_c_anywhere_leaves_the_pickle_unchanged(
    setting, fitted, seed_object, where
):
    line = 1 + int(where * _line_count(setting, fitted, seed_object))
    model, X, y = _interruptible(setting, fitted, seed_object)
    before = pickled(model)
    with pytest.raises(KeyboardInterrupt):
        with interrupt_at_line(line):
            model.fit(X, y)
    assert pickled(model) == before, f"interrupted at package line {line}"


def test_ctrl_c_during_backpropagation_propagates():
    """The shared trainer keeps its last weights on Ctrl-C; here it must not:
    the interrupted fit is undone and the interrupt reaches the caller."""
    X, y = _data()
    model = ShallowUniversalApproximator(4, max_iter=50, random_state=0).fit(X, y)
    before = pickled(model)
    total = count_package_lines(lambda: copy.deepcopy(model).fit(*_data(3)))
    # Past the start's least squares: deep inside the L-BFGS iterations.
    with pytest.raises(KeyboardInterrupt):
        with interrupt_at_line(int(0.8 * total)):
            model.fit(*_data(3))
    assert pickled(model) == before


# ----------------------------------------------------- (d) faulty plugins
class NaNForward(ElementwiseActivation):
    """tanh, but NaN above ``threshold``."""

    def __init__(self, threshold=0.0):
        self.threshold = threshold

    def forward(self, z):
        return np.where(z > self.threshold, np.nan, np.tanh(z))

    def derivative(self, z):
        return 1.0 - np.tanh(z) ** 2


class NaNDerivative(ElementwiseActivation):
    def __init__(self, threshold=0.0):
        self.threshold = threshold

    def forward(self, z):
        return np.tanh(z)

    def derivative(self, z):
        return np.where(z > self.threshold, np.nan, 1.0 - np.tanh(z) ** 2)


class WrongShape(ElementwiseActivation):
    """Elementwise on small inputs; drops a row from ``forward`` on the data."""

    def __init__(self, threshold=0.0):
        self.threshold = threshold

    def forward(self, z):
        out = np.tanh(z)
        return out[:-1] if z.shape[0] > 12 and z.max() > self.threshold else out

    def derivative(self, z):
        return 1.0 - np.tanh(z) ** 2


class WrongShapeDerivative(NaNDerivative):
    def derivative(self, z):
        return np.ones(z.size + 1)


class Raising(ElementwiseActivation):
    """tanh, but raises on input above ``threshold`` (the probes stay below 2)."""

    def __init__(self, threshold=0.0):
        self.threshold = threshold

    def forward(self, z):
        if np.max(z) > self.threshold:
            raise RuntimeError("boom")
        return np.tanh(z)

    def derivative(self, z):
        return 1.0 - np.tanh(z) ** 2


FAULTY = [NaNForward, NaNDerivative, WrongShape, WrongShapeDerivative, Raising]
# Whether the fit calls the derivative (else a faulty one goes unnoticed).
USES_DERIVATIVE = {"backprop": True, "random": False, "greedy": True}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("plugin", FAULTY, ids=lambda c: c.__name__)
def test_faulty_activation_is_named_with_the_method(plugin, method):
    X, y = _data()
    activation = plugin(threshold=2.5)
    model = ShallowUniversalApproximator(
        6, activation=activation, method=method, weight_scale=10.0, **QUICK
    )
    derivative_fault = plugin in (NaNDerivative, WrongShapeDerivative)
    if derivative_fault and not USES_DERIVATIVE[method]:
        assert np.isfinite(model.fit(X, y).predict(X)).all()
        return
    with pytest.raises(ValueError) as info:
        model.fit(X, y)
    message = str(info.value)
    assert repr(activation) in message
    assert f"method={method!r}" in message
    _assert_clear(info.value)


@pytest.mark.parametrize("refine_steps", [0, 2])
def test_greedy_names_an_activation_failing_beyond_its_probes(refine_steps):
    """The dictionary check probes [-4, 4]; NaN further out is caught where
    the candidates are evaluated."""
    X, y = _data()
    activation = NaNForward(threshold=5.0)
    model = ShallowUniversalApproximator(
        6, activation=activation, method="greedy", weight_scale=100.0, **QUICK
    ).set_params(refine_steps=refine_steps)
    with pytest.raises(ValueError, match=r"NaNForward\(threshold=5.0\).*'greedy'"):
        model.fit(X, y)


@examples(200)
@given(
    plugin=st.sampled_from(FAULTY),
    method=st.sampled_from(METHODS),
    threshold=st.floats(-1.0, 30.0),
    weight_scale=st.sampled_from([0.1, 1.0, 10.0]),
)
def test_faulty_activation_never_gives_a_nan_model(
    plugin, method, threshold, weight_scale
):
    X, y = _data()
    activation = plugin(threshold=threshold)
    model = ShallowUniversalApproximator(
        6, activation=activation, method=method, weight_scale=weight_scale, **QUICK
    )
    exc, _ = _fit_recording(model, X, y)
    if exc is None:
        assert np.isfinite(model.predict(X)).all()
    else:
        _assert_clear(exc)
        assert repr(activation) in str(exc)


def test_faulty_activation_refit_keeps_the_model():
    X, y = _data()
    model = ShallowUniversalApproximator(6, method="random", **QUICK).fit(X, y)
    model.set_params(activation=NaNForward())
    before = pickle.dumps(model)
    with pytest.raises(ValueError, match="NaNForward"):
        model.fit(X, y)
    assert pickle.dumps(model) == before


# ------------------------------------------------- exact internal rescaling
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("x_power, y_power", [(1000, 990), (-1000, -900), (0, 1015)])
def test_scaling_by_a_power_of_two_scales_the_predictions_exactly(
    method, x_power, y_power
):
    """Standardisation divides by powers of two first: data near the float
    limits (2**1000 ~ 1e301, 2**-1000 ~ 1e-301) give the network of the
    moderate data, in other units, bit for bit."""
    X, y = _data()
    model = ShallowUniversalApproximator(6, method=method, **QUICK)
    moderate = copy.deepcopy(model).fit(X, y)
    extreme = model.fit(np.ldexp(X, x_power), np.ldexp(y, y_power))
    np.testing.assert_array_equal(
        extreme.predict(np.ldexp(X, x_power)), np.ldexp(moderate.predict(X), y_power)
    )
    np.testing.assert_array_equal(
        extreme.hidden_weights_, np.ldexp(moderate.hidden_weights_, -x_power)
    )


@pytest.mark.parametrize("method", METHODS)
def test_sample_weight_scale_does_not_matter_with_alpha_scaled_alike(method):
    """Only the ratios of the weights and alpha / sum(sample_weight) count:
    weights near the float limit (their sum overflows) give the same network.
    (The GCV ridge also counts the weights as repeats: a fixed ridge here.)"""
    X, y = _data()
    weights = np.linspace(0.5, 2.0, len(y))
    model = ShallowUniversalApproximator(
        6, method=method, ridge_selection="fixed", **QUICK
    )
    moderate = copy.deepcopy(model).fit(X, y, sample_weight=weights)
    model.set_params(alpha=np.ldexp(model.alpha, 1020))
    extreme = model.fit(X, y, sample_weight=np.ldexp(weights, 1020))
    np.testing.assert_array_equal(extreme.predict(X), moderate.predict(X))


@pytest.mark.parametrize(
    "y_val, match",
    [
        (lambda y: y[:-1], "inconsistent numbers of samples"),
        (lambda y: np.array(["a"] * len(y), dtype=object), "y_val must contain"),
        (
            lambda y: [[v] if i % 2 else [v, v] for i, v in enumerate(y)],
            "y_val has rows",
        ),
        (lambda y: np.column_stack([y, y]), "y_val has 2 outputs but y has 1"),
    ],
)
def test_bad_validation_data_is_named(y_val, match):
    """Validation data are checked as the training data are, by name."""
    X, y = _data()
    model = ShallowUniversalApproximator(4, method="greedy", **QUICK)
    with pytest.raises(ValueError, match=match) as info:
        model.fit(X, y, X_val=X, y_val=y_val(y))
    _assert_clear(info.value)


NOT_NUMBERS = {
    "string in X": (lambda X, y: (X.astype(object).tolist() + [["a", 1.0]], [*y, 0.0])),
    "string in y": (lambda X, y: (X, np.array([*y[:-1], "a"], dtype=object))),
    "ragged X": (lambda X, y: ([list(row[: 1 + i % 2]) for i, row in enumerate(X)], y)),
    "ragged y": (lambda X, y: (X, [[v] if i % 2 else [v, v] for i, v in enumerate(y)])),
}


@pytest.mark.parametrize("bad", sorted(NOT_NUMBERS))
@pytest.mark.parametrize("method", METHODS)
def test_input_that_is_not_numbers_is_named(bad, method):
    X, y = _data()
    X_bad, y_bad = NOT_NUMBERS[bad](X, y)
    model = ShallowUniversalApproximator(4, method=method, **QUICK)
    with pytest.raises(ValueError, match=f"^{bad.split()[-1]} ") as info:
        model.fit(X_bad, y_bad)
    _assert_clear(info.value)
    fitted = model.fit(X, y)
    with pytest.raises(ValueError, match="^X must contain numbers") as info:
        fitted.predict([["a", 1.0]])
