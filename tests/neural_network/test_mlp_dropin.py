"""MLPClassifier and MLPRegressor where scikit-learn users will try them.

Binary and multilabel targets compute scikit-learn's numbers; ``coefs_`` and
``intercepts_`` are assignable; no ``decision_function`` changes what
scikit-learn's tools pick; each estimator refuses the other family's losses;
float32 input gives float32 output.
"""

import copy
import pickle
import uuid
import warnings

import matplotlib
import numpy as np
import pytest
from sklearn.datasets import (
    load_breast_cancer,
    make_moons,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.neural_network import MLPClassifier as SklearnClassifier
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import MLPClassifier, MLPRegressor
from sklearn_mathdl.neural_network.losses import (
    JANOCHA_CZARNECKI_TABLE,
    BinaryLogLoss,
    ClassificationLoss,
    Loss,
)
from sklearn_mathdl.neural_network.regression_losses import SquaredError
from sklearn_mathdl.plugins import register_loss

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X, StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def multilabel():
    return make_multilabel_classification(200, 8, n_classes=4, random_state=0)


def fit_both(X, y, sample_weight=None, partial_fits=0, **params):
    """Ours and scikit-learn's, fitted alike (``partial_fits`` epochs of
    ``partial_fit`` instead of ``fit`` when nonzero)."""
    ours, theirs = MLPClassifier(**params), SklearnClassifier(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for est in (ours, theirs):
            if partial_fits:
                classes = np.arange(y.shape[1]) if np.ndim(y) == 2 else np.unique(y)
                for _ in range(partial_fits):
                    est.partial_fit(X, y, classes=classes)
            else:
                est.fit(X, y, sample_weight=sample_weight)
    return ours, theirs


def assert_same_model(ours, theirs, X, rtol=1e-9):
    assert ours.n_outputs_ == theirs.n_outputs_
    assert ours.out_activation_ == theirs.out_activation_
    assert ours.n_iter_ == theirs.n_iter_
    if ours.solver != "lbfgs":  # scikit-learn's L-BFGS leaves t_ at 0
        assert ours.t_ == theirs.t_
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)
    if hasattr(theirs, "loss_curve_"):
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=rtol)
    else:
        np.testing.assert_allclose(ours.loss_, theirs.loss_, rtol=rtol)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=rtol, atol=1e-12
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


SOLVERS = {
    "adam": dict(max_iter=30),
    "sgd": dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.1),
    "sgd-adaptive": dict(solver="sgd", learning_rate="adaptive", tol=1e-2),
    "lbfgs": dict(solver="lbfgs", max_iter=30),
    "early-stopping": dict(early_stopping=True, n_iter_no_change=3, max_iter=60),
}


@pytest.mark.parametrize("settings", SOLVERS.values(), ids=SOLVERS.keys())
def test_binary_numbers_are_scikit_learns(cancer, settings):
    _, X, y = cancer
    params = dict(hidden_layer_sizes=(16,), random_state=0, max_iter=40)
    ours, theirs = fit_both(X, y, **{**params, **settings})
    assert ours.n_outputs_ == 1 and ours.coefs_[-1].shape == (16, 1)
    assert ours.out_activation_ == "logistic"
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("settings", SOLVERS.values(), ids=SOLVERS.keys())
def test_multilabel_numbers_are_scikit_learns(multilabel, settings):
    X, Y = multilabel
    params = dict(hidden_layer_sizes=(16,), random_state=0, max_iter=40)
    ours, theirs = fit_both(X, Y, **{**params, **settings})
    assert ours.n_outputs_ == 4 and ours.out_activation_ == "logistic"
    assert_same_model(ours, theirs, X)


def test_binary_partial_fit_and_sample_weight_are_scikit_learns(cancer, multilabel):
    _, X, y = cancer
    ours, theirs = fit_both(
        X, y, partial_fits=5, hidden_layer_sizes=(8,), random_state=0
    )
    assert_same_model(ours, theirs, X)
    X_ml, Y_ml = multilabel
    ours, theirs = fit_both(X_ml, Y_ml, partial_fits=5, random_state=0)
    assert_same_model(ours, theirs, X_ml)
    # (L-BFGS: scikit-learn's epoch loss weights each minibatch by its size,
    # ours by its total sample weight, so weighted minibatch loss curves differ.)
    weights = np.random.default_rng(0).uniform(0.5, 2, size=len(y))
    ours, theirs = fit_both(
        X,
        y,
        sample_weight=weights,
        hidden_layer_sizes=(8,),
        solver="lbfgs",
        max_iter=20,
        random_state=0,
    )
    assert_same_model(ours, theirs, X)


def test_unscaled_breast_cancer_saturating_outputs_are_scikit_learns(cancer):
    """The issue's case: default parameters on raw features (outputs saturate,
    so the clipped loss value matters for the stopping rule)."""
    X, _, y = cancer
    ours, theirs = fit_both(X, y, random_state=0)
    assert_same_model(ours, theirs, X, rtol=1e-8)


def test_other_losses_keep_two_class_groups(cancer, multilabel):
    _, X, y = cancer
    clf = MLPClassifier((8,), loss="squared_hinge", solver="lbfgs", max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.set_params(random_state=0).fit(X, y)
    assert clf.n_outputs_ == 2 and clf.out_activation_ == "softmax"
    assert clf.logits(X).shape == (len(X), 2)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(clf.predict(X), proba.argmax(axis=1))
    assert clf.score(X, y) > 0.95
    X_ml, Y_ml = multilabel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ml = MLPClassifier((8,), loss="tanimoto", max_iter=5, random_state=0)
        ml.fit(X_ml, Y_ml)
    assert ml.n_outputs_ == 8 and ml.predict_proba(X_ml).shape == (len(X_ml), 4)


class DuckLoss:
    """A loss object with value and gradient only (no base class, no task)."""

    def value(self, y, o, sample_weight=None):
        return float(np.average(((o - y) ** 2).sum(axis=1), weights=sample_weight))

    def gradient(self, y, o, sample_weight=None):
        w = np.ones(len(o)) if sample_weight is None else sample_weight
        return 2 * (o - y) * (w / w.sum())[:, None]


def test_a_duck_typed_loss_gets_two_class_groups(cancer):
    _, X, y = cancer
    clf = MLPClassifier((8,), loss=DuckLoss(), solver="lbfgs", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_outputs_ == 2 and clf.out_activation_ == "softmax"
    assert clf.score(X, y) > 0.95
    reg = MLPRegressor(DuckLoss(), hidden_layer_sizes=(4,), max_iter=3).fit(X, y)
    assert reg.predict(X).shape == y.shape


def test_binary_log_loss_gradient_and_value(cancer):
    """p - y is the derivative of the value where p is not clipped; the value
    clips as scikit-learn's binary_log_loss, so it is finite at |o| = 1e4."""
    from sklearn.neural_network._base import binary_log_loss

    from sklearn_mathdl.utils._plugin_checks import _numerical_gradient

    rng = np.random.default_rng(0)
    y = rng.integers(2, size=(6, 3)).astype(float)
    o = rng.normal(scale=3, size=(6, 3))
    w = rng.uniform(0.5, 2, size=6)
    loss = BinaryLogLoss()
    value, grad = loss.value_and_gradient(y, o, w)
    numeric = _numerical_gradient(lambda x: loss.value(y, x, w), o.copy())
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)
    p = 1 / (1 + np.exp(-o))
    assert value == pytest.approx(binary_log_loss(y, p, w), rel=1e-12)
    extreme = loss.value(y, 1e4 * np.sign(o))
    assert np.isfinite(extreme)
    assert extreme == pytest.approx(binary_log_loss(y, 1 / (1 + np.exp(-1e4 * o))))


# ------------------------------------------------------------ coefs_ assignment
@pytest.fixture
def fitted(cancer):
    _, X, y = cancer
    clf = MLPClassifier((6,), solver="lbfgs", max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_assigning_coefs_copies_into_the_network(fitted, cancer):
    _, X, _ = cancer
    rng = np.random.default_rng(1)
    coefs = [rng.normal(size=c.shape) for c in fitted.coefs_]
    intercepts = [rng.normal(size=b.shape) for b in fitted.intercepts_]
    fitted.coefs_ = coefs
    fitted.intercepts_ = intercepts
    fitted.coefs_[1] = 2 * coefs[1]  # one entry, as scikit-learn allows
    coefs[1] = 2 * coefs[1]
    hidden = np.maximum(X @ coefs[0] + intercepts[0], 0)
    expected = 1 / (1 + np.exp(-(hidden @ coefs[1] + intercepts[1])))
    np.testing.assert_allclose(fitted.predict_proba(X)[:, 1], expected[:, 0])
    # The values live in the packed vector that the optimizers update.
    np.testing.assert_array_equal(fitted.network_.coefs[0], coefs[0])
    assert np.shares_memory(fitted.coefs_[0], fitted.network_.params)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    # A copy or a pickle of coefs_ is a plain list of copies, as scikit-learn's.
    for snapshot in (copy.deepcopy(fitted.coefs_), pickle.loads(pickle.dumps(coefs))):
        assert type(snapshot) is list
    snapshot = copy.deepcopy(fitted.coefs_)
    snapshot.append(None)
    snapshot[0][...] = 0
    assert np.array_equal(fitted.coefs_[0], coefs[0]) and len(fitted.coefs_) == 2


def test_assigning_coefs_of_the_wrong_shape_is_refused(fitted):
    before = fitted.network_.params.copy()
    with pytest.raises(ValueError, match=r"coefs_\[0\] must be .* shape \(30, 6\)"):
        fitted.coefs_ = [np.zeros((30, 7)), np.zeros((6, 1))]
    with pytest.raises(ValueError, match=r"one array per layer: 2 arrays"):
        fitted.intercepts_ = [np.zeros(6)]
    with pytest.raises(ValueError, match=r"intercepts_\[1\] must be .* shape \(1,\)"):
        fitted.intercepts_[1] = np.zeros(2)
    with pytest.raises(TypeError, match="length cannot change"):
        fitted.coefs_.append(np.zeros((6, 1)))
    np.testing.assert_array_equal(fitted.network_.params[:180], before[:180])


def test_weights_assigned_before_fitting_start_partial_fit_as_in_scikit_learn(cancer):
    _, X, y = cancer
    rng = np.random.default_rng(0)
    coefs = [rng.normal(size=(30, 5)), rng.normal(size=(5, 1))]
    intercepts = [rng.normal(size=5), rng.normal(size=1)]
    models = []
    for cls in (MLPClassifier, SklearnClassifier):
        est = cls((5,), solver="sgd", learning_rate_init=0.01, random_state=0)
        est.coefs_ = [c.copy() for c in coefs]
        est.intercepts_ = [b.copy() for b in intercepts]
        # What scikit-learn's partial_fit also needs (its test_fit sets them).
        est.n_layers_, est.n_outputs_, est.out_activation_ = 3, 1, "logistic"
        est.t_, est.loss_curve_, est.best_loss_ = 0, [], np.inf
        for _ in range(3):
            est.partial_fit(X, y, classes=[0, 1])
        models.append(est)
    ours, theirs = models
    assert_same_model(ours, theirs, X)
    assert not np.allclose(ours.coefs_[0], coefs[0])  # trained from them
    # A fit without warm_start starts afresh, as scikit-learn's.
    fresh = MLPClassifier((5,), max_iter=3, random_state=0)
    fresh.coefs_, fresh.intercepts_ = coefs, intercepts
    reference = MLPClassifier((5,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fresh.fit(X, y)
        reference.fit(X, y)
    np.testing.assert_array_equal(fresh.network_.params, reference.network_.params)


def test_weights_assigned_before_fitting_with_wrong_shapes_are_named(cancer):
    _, X, y = cancer
    est = MLPClassifier((5,), warm_start=True)
    est.coefs_ = [np.zeros((30, 5)), np.zeros((5, 2))]
    est.intercepts_ = [np.zeros(5), np.zeros(2)]
    with pytest.raises(ValueError, match=r"expected shapes \[\(30, 5\), \(5, 1\)\]"):
        est.fit(X, y)
    assert not hasattr(est, "network_") and len(est.coefs_) == 2


# ---------------------------------------------------------- decision_function
def test_no_decision_function_so_scikit_learn_tools_use_predict_proba():
    X, y = make_moons(200, noise=0.2, random_state=0)
    params = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0)
    ours, theirs = fit_both(X, y, **params)
    assert not hasattr(ours, "decision_function")
    assert not hasattr(theirs, "decision_function")
    shown = [
        DecisionBoundaryDisplay.from_estimator(
            est, X, response_method="auto", grid_resolution=15
        )
        for est in (ours, theirs)
    ]
    grid = np.c_[shown[0].xx0.ravel(), shown[0].xx1.ravel()]
    np.testing.assert_allclose(
        shown[0].response.ravel(), ours.predict_proba(grid)[:, 1], rtol=1e-12
    )
    np.testing.assert_allclose(shown[0].response, shown[1].response, atol=1e-10)
    # The logits are there under their own name.
    log_odds = np.log(ours.predict_proba(grid)[:, 1] / ours.predict_proba(grid)[:, 0])
    np.testing.assert_allclose(ours.logits(grid)[:, 0], log_odds, rtol=1e-8, atol=1e-8)


# --------------------------------------------------------------- loss families
@pytest.mark.parametrize("name", JANOCHA_CZARNECKI_TABLE)
def test_regressor_refuses_classification_losses(name):
    X, y = make_regression(50, 3, random_state=0)
    with pytest.raises(ValueError, match=r"'loss' parameter of MLPRegressor") as error:
        MLPRegressor(loss=name).fit(X, y)
    message = str(error.value)
    assert "a registered regression loss name among" in message
    fitting = message[: message.index("Got")]
    assert all(f"'{n}'" in fitting for n in ("squared_error", "huber", "poisson"))
    assert "'log'" not in fitting and "'hinge'" not in fitting


def test_classifier_refuses_regression_losses(cancer):
    _, X, y = cancer
    for name in ("squared_error", "absolute_error", "huber", "poisson"):
        with pytest.raises(ValueError, match=r"registered classification loss name"):
            MLPClassifier(loss=name).fit(X, y)
    with pytest.raises(ValueError, match=r"among \[.*'cauchy_schwarz'.*'log'"):
        MLPClassifier(loss=SquaredError()).fit(X, y)


def test_refused_loss_leaves_a_fitted_model_as_it_was():
    X, y = make_regression(60, 3, random_state=0)
    reg = MLPRegressor(
        hidden_layer_sizes=(4,), solver="lbfgs", max_iter=20, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    before = pickle.dumps(reg)
    with pytest.raises(ValueError, match="registered regression loss"):
        reg.set_params(loss="log").fit(X, y)
    assert pickle.dumps(reg.set_params(loss="squared_error")) == before


def test_plugin_losses_are_accepted_by_the_family_they_declare(cancer):
    _, X, y = cancer
    X_reg, y_reg = make_regression(60, 3, random_state=0)

    class HalfSquares(Loss):
        task = "regression"

        def per_sample(self, y, o):
            d = o - y
            return 0.5 * (d * d).sum(axis=1), d

    class Undeclared(Loss):  # task None: both families
        def per_sample(self, y, o):
            d = o - y
            return (d * d).sum(axis=1), 2 * d

    class Margin(ClassificationLoss):
        def per_sample(self, y, o):
            slack = np.maximum(1 - (2 * y - 1) * o, 0)
            return slack.sum(axis=1), -(2 * y - 1) * (slack > 0)

    names = {}
    for cls in (HalfSquares, Undeclared, Margin):
        names[cls] = f"{cls.__name__.lower()}_{uuid.uuid4().hex[:8]}"
        register_loss(names[cls])(cls)
    fit = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPRegressor(loss=names[HalfSquares], **fit).fit(X_reg, y_reg)
        MLPRegressor(loss=names[Undeclared], **fit).fit(X_reg, y_reg)
        MLPClassifier(loss=names[Undeclared], **fit).fit(X, y)
        MLPClassifier(loss=names[Margin], **fit).fit(X, y)
        MLPRegressor(loss=Undeclared(), **fit).fit(X_reg, y_reg)
    with pytest.raises(
        ValueError, match=f"classification loss name among .*Got '{names[HalfSquares]}'"
    ):
        MLPClassifier(loss=names[HalfSquares], **fit).fit(X, y)
    with pytest.raises(
        ValueError, match=f"regression loss name among .*Got '{names[Margin]}'"
    ) as e:
        MLPRegressor(loss=names[Margin], **fit).fit(X_reg, y_reg)
    # The list of what fits includes the plugins of that family or of none.
    assert f"'{names[Undeclared]}'" in str(e.value)
    assert f"'{names[HalfSquares]}'" in str(e.value)


# ------------------------------------------------------------------- precision
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_float32_input_gives_float32_outputs(cancer, multilabel):
    _, X, y = cancer
    X_ml, Y_ml = multilabel
    X_reg, y_reg = make_regression(80, 4, random_state=0)
    cases = [
        (MLPClassifier((8,), max_iter=5, random_state=0), X, y),
        (MLPClassifier((8,), loss="hinge", max_iter=5, random_state=0), X, y),
        (MLPClassifier((8,), max_iter=5, random_state=0), X, y % 2 + (X[:, 0] > 0)),
        (MLPClassifier((8,), max_iter=5, random_state=0), X_ml, Y_ml),
    ]
    for clf, features, target in cases:
        for dtype in (np.float32, np.float64):
            data = features.astype(dtype)
            clf.fit(data, target)
            for method in ("predict_proba", "predict_log_proba", "logits"):
                assert getattr(clf, method)(data).dtype == dtype, (clf, method)
    for loss in ("squared_error", "poisson"):
        target = np.abs(y_reg) if loss == "poisson" else y_reg
        for dtype in (np.float32, np.float64):
            data = X_reg.astype(dtype)
            reg = MLPRegressor(loss, (8,), max_iter=5, random_state=0)
            reg.fit(data, target)
            assert reg.predict(data).dtype == dtype, loss
