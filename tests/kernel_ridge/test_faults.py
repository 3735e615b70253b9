"""Fault suite of RepresenterKernelRegressor: every solver and kind of kernel.

(a) Any generated input, extreme finite values included (1e300, 1.7e308,
tiny, constant columns, huge weights, float32, strings, ragged lists), gives
a clear ValueError/TypeError or a model whose predictions are finite, with
at most one warning per cause and no RuntimeWarning; (b) a failed refit of a
fitted model leaves its pickle bytes unchanged; (c) Ctrl-C at any line of a
fit, fitted or not, leaves the pickle bytes unchanged and propagates;
(d) a faulty kernel (NaN, wrong shape, raising, asymmetric, bad diagonal) is
named in the error.
"""

import copy
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.gaussian_process.kernels import Matern as GPMatern

from sklearn_mathdl import RepresenterKernelRegressor
from sklearn_mathdl.kernel_ridge.kernels import RBF
from tests.faults import (
    INTERNAL_PHRASES,
    count_package_lines,
    interrupt_at_line,
    pickled,
)


def rbf_function(A, B):
    """A callable kernel (module level: pickled by reference)."""
    return RBF(0.5)(A, B)


SOLVERS = {
    "cholesky": {"alpha": 0.1},
    "eigen": {"alpha": 0.0, "kernel": "linear"},  # singular K: eigen fallback
    "loo": {"alpha": [1e-3, 0.1, 10.0], "alpha_selection": "loo"},
    "nystrom": {"solver": "nystrom-pcg", "n_centers": 6, "random_state": 0},
    "leverage": {
        "solver": "nystrom-pcg",
        "n_centers": 6,
        "center_selection": "leverage",
        "random_state": 0,
    },
    "poly": {"kernel": "poly", "degree": 3, "alpha": 0.1},
    "sigmoid": {"kernel": "sigmoid", "alpha": 0.1},
    "callable": {"kernel": rbf_function},
    "gp": {"kernel": GPMatern(nu=1.5)},
    "callable-nystrom": {
        "kernel": rbf_function,
        "solver": "nystrom-pcg",
        "n_centers": 5,
        "center_selection": "leverage",
        "random_state": 0,
    },
    "precomputed": {"kernel": "precomputed", "alpha": 0.1},
    "precomputed-nystrom": {
        "kernel": "precomputed",
        "solver": "nystrom-pcg",
        "n_centers": 5,
        "random_state": 0,
    },
    "sparse": {"kernel": "laplacian"},
    "sparse-loo": {"kernel": "rbf", "alpha": [0.1, 1.0], "alpha_selection": "loo"},
}


def _inputs(solver, X):
    """``(fit X, predict X)`` in the form the configuration takes."""
    if solver.startswith("precomputed"):
        with np.errstate(all="ignore"):
            Z = X / max(1.0, float(np.max(np.abs(X), initial=0.0)))
            K = np.asarray(Z @ Z.T + 1.0, dtype=X.dtype)
        return K, K
    if solver.startswith("sparse"):
        Xs = sparse.csr_matrix(X * (np.abs(X) > 0.3 * np.abs(X).max(initial=0.0)))
        return Xs, Xs
    return X, X


def _benign(seed=0, n=16, d=3, targets=1):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, d))
    y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2
    if targets > 1:
        y = np.column_stack([y, X[:, 0]])
    return X, y, rng.uniform(0.5, 2.0, n)


def _fitted(solver, seed=0):
    est = RepresenterKernelRegressor(**SOLVERS[solver])
    X, y, _ = _benign(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the eigen fallback
        return est.fit(_inputs(solver, X)[0], y)


def assert_clear(exc):
    """A ValueError/TypeError in the package's words, not numpy's."""
    assert isinstance(exc, ValueError | TypeError), repr(exc)
    assert not isinstance(exc, np.linalg.LinAlgError), repr(exc)
    text = str(exc)
    for phrase in INTERNAL_PHRASES:
        assert phrase not in text, f"internal message leaked: {text!r}"


SCALES = [1.0, 1e-300, 1e-20, 1e20, 1e100, 1e154, 1e200, 1e300, 1.7e308]


@st.composite
def problems(draw):
    """Finite data at any scale, and some inputs that are not numbers."""
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n, d = draw(st.integers(2, 20)), draw(st.integers(1, 3))
    X = rng.uniform(-1, 1, (n, d)) * draw(st.sampled_from(SCALES))
    if draw(st.booleans()):
        X[:, 0] = X[0, 0]  # a constant column
    targets = draw(st.sampled_from([1, 2]))
    y = rng.uniform(-1, 1, (n, targets)) * draw(st.sampled_from(SCALES))
    y = y[:, 0] if targets == 1 else y
    if draw(st.booleans()):
        y[0] = draw(st.sampled_from([1.7e308, -1.7e308, 1e-310, 0.0]))
    w = None
    if draw(st.booleans()):
        w = rng.uniform(0, 1, n) * draw(st.sampled_from(SCALES))
        w[0] = max(w[0], 1e-300)  # not all zero
        w[rng.uniform(size=n) < 0.2] = 0.0
        w[0] = max(w[0], 1e-300)
    kind = draw(st.sampled_from(["float64"] * 6 + ["float32", "str_y", "ragged"]))
    if kind == "float32":
        X = np.clip(X, -3e38, 3e38).astype(np.float32)
    elif kind == "str_y":
        y = np.array(["a", "b"] * n)[:n]
    elif kind == "ragged":
        X = [list(row) for row in X]
        X[-1] = X[-1][:-1] or [0.0, 1.0]
    return X, y, w


def _fit_quietly(est, X, y, w):
    """Fit, recording warnings: none from numpy, at most one per cause."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            est.fit(X, y, sample_weight=w)
        finally:
            causes = [(w.category, str(w.message)[:40]) for w in caught]
            assert not [c for c in causes if issubclass(c[0], RuntimeWarning)], causes
            assert len(causes) == len(set(causes)) <= 1, causes


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(solver=st.sampled_from(sorted(SOLVERS)), problem=problems())
def test_extreme_input_clear_error_or_finite_model_and_failed_refit_changes_nothing(
    solver, problem
):
    X, y, w = problem
    est = _fitted(solver)
    before = pickled(est)
    if isinstance(X, list):
        X_fit = X_pred = X
    else:
        X_fit, X_pred = _inputs(solver, X)
    try:
        _fit_quietly(est, X_fit, y, w)
    except (ValueError, TypeError) as exc:
        assert_clear(exc)
        assert pickled(est) == before, f"a failed refit ({exc}) changed the model"
        return
    pred = est.predict(X_pred)
    assert np.all(np.isfinite(pred)), (solver, est.dual_coef_, est.intercept_)


# ------------------------------------------------------------------- Ctrl-C
_LINE_COUNTS = {}


def _refit_call(solver):
    X, y, w = _benign(seed=1, n=14, targets=2)
    X_fit = _inputs(solver, X)[0]
    return lambda est: est.fit(X_fit, y, sample_weight=w)


def _line_count(solver, fitted, est, call):
    """Package lines of ``call(est)``, measured on a copy (after a warm-up)."""
    key = (solver, fitted)
    if key not in _LINE_COUNTS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            call(copy.deepcopy(est))  # first calls fill caches
            probe = copy.deepcopy(est)
            _LINE_COUNTS[key] = count_package_lines(lambda: call(probe))
    return _LINE_COUNTS[key]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    solver=st.sampled_from(sorted(SOLVERS)),
    fitted=st.booleans(),
    fraction=st.floats(0.0, 1.0),
)
def test_ctrl_c_at_any_line_of_fit_leaves_the_model_unchanged(solver, fitted, fraction):
    est = _fitted(solver) if fitted else RepresenterKernelRegressor(**SOLVERS[solver])
    call = _refit_call(solver)
    total = _line_count(solver, fitted, est, call)
    line = 1 + int(fraction * (total - 1))
    before = pickled(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(KeyboardInterrupt):
            with interrupt_at_line(line):
                call(est)
    assert pickled(est) == before, f"Ctrl-C at line {line}/{total} changed the model"


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_each_configuration_takes_its_path(solver):
    """The suite above covers what it claims: each configuration's solver runs."""
    est = RepresenterKernelRegressor(**SOLVERS[solver])
    X, y, w = _benign(seed=1, n=14, targets=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(_inputs(solver, X)[0], y, sample_weight=w)
    fallback = [c for c in caught if "not positive definite" in str(c.message)]
    if solver == "eigen":
        assert fallback
    elif solver != "sigmoid":  # indefinite: may fall back too
        assert not fallback
    assert hasattr(est, "loo_errors_") == solver.endswith("loo")
    assert hasattr(est, "centers_") == ("nystrom" in solver or solver == "leverage")
    assert sparse.issparse(est.__dict__.get("X_fit_")) == solver.startswith("sparse")


def test_count_reaches_the_solvers():
    """Interrupting the last counted line still interrupts (counts are exact)."""
    est = _fitted("loo")
    call = _refit_call("loo")
    total = _line_count("loo", True, est, call)
    assert total > 200  # validation, kernel, eigendecomposition, LOO, commit
    before = pickled(est)
    with pytest.raises(KeyboardInterrupt):
        with interrupt_at_line(total):
            call(est)
    assert pickled(est) == before


# ------------------------------------------------------------ faulty kernels
def nan_kernel(A, B):
    K = RBF(0.5)(A, B)
    K[0, -1] = np.nan
    return K


def narrow_kernel(A, B):
    return RBF(0.5)(A, B)[:, :-1]


def raising_kernel(A, B):
    raise ZeroDivisionError("boom")


def asymmetric_kernel(A, B):
    return RBF(0.5)(A, 2 * B)


def text_kernel(A, B):
    return np.full((len(A), len(B)), "x")


class WrongDiagonal(RBF):
    """Correct matrix, diagonal of the wrong length (used by leverage scores)."""

    def diag(self, X):
        return np.ones(len(X) + 1)


class NaNDiagonal(RBF):
    def diag(self, X):
        return np.full(len(X), np.nan)


FAULTS = [
    (nan_kernel, "non-finite"),
    (narrow_kernel, "shape"),
    (raising_kernel, "ZeroDivisionError: boom"),
    (asymmetric_kernel, "not symmetric"),
    (text_kernel, "dtype"),
]
FAULT_SOLVERS = ["cholesky", "loo", "nystrom", "leverage"]


@pytest.mark.parametrize(
    "faulty, problem", FAULTS, ids=lambda f: getattr(f, "__name__", "")
)
@pytest.mark.parametrize("solver", FAULT_SOLVERS)
def test_faulty_kernel_is_named_and_refit_changes_nothing(faulty, problem, solver):
    X, y, _ = _benign(n=80)
    params = {k: v for k, v in SOLVERS[solver].items() if k != "kernel"}
    est = RepresenterKernelRegressor(**params).fit(X, y)
    est.set_params(kernel=faulty)
    before = pickled(est)
    with pytest.raises(ValueError) as info:
        est.fit(X, y)
    assert faulty.__name__ in str(info.value) and problem in str(info.value)
    assert_clear(info.value)
    assert pickled(est) == before


@pytest.mark.parametrize("faulty", [WrongDiagonal(), NaNDiagonal()])
def test_faulty_diagonal_is_named(faulty):
    X, y, _ = _benign(n=80)
    est = RepresenterKernelRegressor(kernel=faulty, **SOLVERS["leverage"])
    with pytest.raises(ValueError, match=type(faulty).__name__):
        est.fit(X, y)


class Switchable(RBF):
    """A kernel object that starts raising when told to (after the fit)."""

    def __init__(self, gamma=None, broken=False):
        super().__init__(gamma)
        self.broken = broken

    def __call__(self, X, Y=None):
        if self.broken:
            raise RuntimeError("device lost")
        return super().__call__(X, Y)


@pytest.mark.parametrize("solver", ["cholesky", "nystrom"])
def test_kernel_failing_in_predict_is_named(solver):
    X, y, _ = _benign(n=40)
    params = {k: v for k, v in SOLVERS[solver].items() if k != "kernel"}
    est = RepresenterKernelRegressor(kernel=Switchable(), **params).fit(X, y)
    est.kernel_.broken = True
    with pytest.raises(ValueError, match=r"Switchable.*RuntimeError: device lost"):
        est.predict(X)


# ------------------------------------------------- overflow, named (each cause)
def _data(n=30, d=3):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (n, d))
    return X, X[:, 0] ** 2


@pytest.mark.parametrize("solver", ["cholesky", "loo", "nystrom", "leverage"])
@pytest.mark.parametrize("kernel", ["poly", "rbf", "linear", "matern", "cosine"])
@pytest.mark.parametrize("n", [30, 120])  # both forms of the squared distances
def test_kernel_overflow_names_the_kernel_and_the_fix(kernel, solver, n):
    X, y = _data(n)
    params = {k: v for k, v in SOLVERS[solver].items() if k != "kernel"}
    est = RepresenterKernelRegressor(kernel=kernel, **params)
    with pytest.raises(ValueError) as info:
        est.fit(X * 1e200, y)
    text = str(info.value)
    assert "kernel matrix of X overflowed" in text and "StandardScaler" in text
    assert "values up to 9" in text and "e+199" in text
    assert_clear(info.value)


def test_polynomial_overflow_message_names_degree():
    X, y = _data()
    with pytest.raises(ValueError, match=r"Polynomial\(.*degree=3.*\) on values up to"):
        RepresenterKernelRegressor(kernel="poly").fit(X * 1e200, y)


@pytest.mark.parametrize("solver", ["cholesky", "nystrom", "leverage"])
def test_huge_target_names_y_and_alpha(solver):
    X, y = _data()
    y = y.copy()
    y[3] = 1.7e308
    est = RepresenterKernelRegressor(**SOLVERS[solver])
    with pytest.raises(ValueError, match=r"overflowed: y has values up to 1.7e\+308"):
        est.fit(X, y)


def test_loo_with_a_huge_target_raises_instead_of_predicting_inf():
    X, y = _data()
    y = y.copy()
    y[3] = 1.7e308
    est = RepresenterKernelRegressor(**SOLVERS["loo"])
    with pytest.raises(ValueError, match=r"leave-one-out .* overflowed.*Scale y"):
        est.fit(X, y)


def test_large_targets_that_fit_give_the_scaled_model():
    """CG is scale-invariant: y * 2^400 gives exactly the coefficients * 2^400."""
    X, y = _data()
    params = SOLVERS["nystrom"]
    small = RepresenterKernelRegressor(**params).fit(X, y)
    large = RepresenterKernelRegressor(**params).fit(X, y * 2.0**400)
    np.testing.assert_array_equal(large.dual_coef_, small.dual_coef_ * 2.0**400)


def test_huge_weights_name_sample_weight():
    X, y = _data()
    K = 1e300 * (X @ X.T + 1.0)
    with pytest.raises(
        ValueError, match=r"S K S .*overflowed.*sample_weight and alpha"
    ):
        RepresenterKernelRegressor(kernel="precomputed").fit(
            K, y, sample_weight=np.full(30, 1e10)
        )


def test_float32_cast_of_y_is_named():
    X, y = _data()
    with pytest.raises(ValueError, match="beyond the range of float32"):
        RepresenterKernelRegressor().fit(X.astype(np.float32), y * 1e300)


def test_predict_overflow_is_named():
    X, y = _data()
    model = RepresenterKernelRegressor(kernel="linear").fit(X, y)
    with pytest.raises(ValueError, match="kernel between X and the training points"):
        model.predict(X * 1e308)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(model.predict(X)))


def test_model_whose_predictions_would_overflow_is_refused():
    X, y = _data()
    with pytest.raises(ValueError, match="bound on the model's predictions"):
        RepresenterKernelRegressor(
            1e-300, kernel="precomputed", fit_intercept=False
        ).fit(np.eye(30), np.full(30, 1e307))


@pytest.mark.parametrize(
    "value, message",
    [
        ("1.2.3GB", "not understood.*B, KB, MB, GB, TB"),
        ("lots", "not understood"),
        ("0GB", "must be positive"),
        ("2 GiB", None),
        ("512k", None),
        ("1.5e3MB", None),
    ],
)
def test_memory_limit_strings(value, message):
    X, y = _data()
    est = RepresenterKernelRegressor(memory_limit=value)
    if message is None:
        est.fit(X, y)
        return
    with pytest.raises(ValueError, match=message) as info:
        est.fit(X, y)
    assert_clear(info.value)
