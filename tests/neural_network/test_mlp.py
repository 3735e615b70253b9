"""MLPClassifier behaviour: accuracy, ecosystem integration, training features."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.neural_network.optimizers import SGD, Adam
from sklearn_mathdl.neural_network.schedules import StepDecay


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_digits_accuracy_with_default_settings(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(random_state=0).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.96


def test_pipeline_and_grid_search_over_plugins(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_iter=30, random_state=0))
    grid = GridSearchCV(
        pipe,
        {
            "mlpclassifier__activation": ["relu", "tanh"],
            "mlpclassifier__loss": ["log", "squared_hinge"],
            "mlpclassifier__hidden_layer_sizes": [(32,), (32, 16)],
        },
        cv=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        grid.fit(X_train, y_train)
    assert len(grid.cv_results_["params"]) == 8
    assert grid.score(X_test, y_test) > 0.9


def test_clone_and_pickle_give_identical_predictions(iris):
    X, y = iris
    clf = MLPClassifier(
        (8,),
        activation="elu",
        solver=SGD(momentum=0.5),
        learning_rate_init=0.05,
        max_iter=50,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
        refit = clone(clf).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(refit.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    # The fitted network keeps no training batch or activations.
    assert clf.network_._inputs is None and clf.network_._pre_activations is None
    # The unpickled network's views still point into its parameter vector.
    restored.network_.params[:] = 0
    assert np.all(restored.coefs_[0] == 0)
    assert not hasattr(clf.solver, "velocity_"), "fit must not mutate its parameter"


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_binary_multiclass_multilabel(solver):
    X, y = make_classification(200, 6, n_informative=4, random_state=0)
    Xm, ym = make_classification(200, 6, n_informative=4, n_classes=3, random_state=0)
    Y = np.column_stack([y, 1 - y, (X[:, 0] > 0).astype(int)])
    kwargs = dict(
        solver=solver,
        batch_size=50,
        learning_rate_init=0.01,
        max_iter=200,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        binary = MLPClassifier((16,), **kwargs).fit(X, y)
        multi = MLPClassifier((16,), **kwargs).fit(Xm, ym)
        multilabel = MLPClassifier((16,), **kwargs).fit(X, Y)
    assert binary.logits(X).shape == (200, 1)  # one logistic unit, as scikit-learn
    assert np.array_equal(binary.predict(X), (binary.logits(X)[:, 0] > 0))
    assert binary.score(X, y) >= 0.9  # scikit-learn: 0.93, 0.90, 0.995
    assert multi.predict_proba(Xm).shape == (200, 3)
    assert multi.score(Xm, ym) > 0.85
    proba = multilabel.predict_proba(X)
    assert proba.shape == (200, 3)
    np.testing.assert_array_equal(multilabel.predict(X), (proba > 0.5).astype(int))
    assert (multilabel.predict(X) == Y).mean() > 0.9


def test_sklearn_fitted_attributes(iris):
    from sklearn.neural_network import MLPClassifier as SklearnMLP

    X, y = iris
    kwargs = dict(hidden_layer_sizes=(8, 6), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPClassifier(**kwargs).fit(X, y)
        theirs = SklearnMLP(**kwargs).fit(X, y)
    assert ours.n_layers_ == theirs.n_layers_ == 4
    assert ours.n_outputs_ == theirs.n_outputs_ == 3
    assert ours.loss_ == ours.loss_curve_[-1]
    assert [c.shape for c in ours.coefs_] == [c.shape for c in theirs.coefs_]
    assert ours.t_ == theirs.t_ == 3 * len(X)


def test_predict_log_proba_matches_log_of_proba(iris):
    X, y = iris
    clf = MLPClassifier((8,), solver="lbfgs", max_iter=50, random_state=0).fit(X, y)
    np.testing.assert_allclose(
        np.exp(clf.predict_log_proba(X)), clf.predict_proba(X), rtol=1e-6
    )


def test_sparse_and_dense_inputs_agree(iris):
    X, y = iris
    dense = MLPClassifier((8,), max_iter=20, random_state=0, dtype="float64")
    sparse = clone(dense)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense.fit(X, y)
        sparse.fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), rtol=1e-10
    )


def test_dtype_follows_the_input_and_float32_on_request(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        f64 = MLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
        f32_input = MLPClassifier((8,), max_iter=5, random_state=0).fit(
            X.astype(np.float32), y
        )
        f32 = MLPClassifier((8,), max_iter=5, random_state=0, dtype="float32").fit(X, y)
    assert f64.coefs_[0].dtype == np.float64
    assert f32_input.coefs_[0].dtype == np.float32
    assert f32.coefs_[0].dtype == np.float32
    np.testing.assert_allclose(f32.predict_proba(X), f64.predict_proba(X), atol=1e-4)


def test_per_layer_activations(iris):
    X, y = iris
    clf = MLPClassifier(
        (6, 5), activation=["maxout", "gelu"], solver="lbfgs", random_state=0
    ).fit(X, y)
    assert [type(a).__name__ for a in clf.network_.activations] == [
        "Maxout",
        "GELU",
        "Identity",
    ]
    assert clf.coefs_[0].shape == (4, 12)  # maxout: 2 pieces per unit
    assert clf.coefs_[1].shape == (6, 5)
    assert clf.score(X, y) > 0.95


@pytest.mark.parametrize(
    "kwargs",
    [
        {"solver": "adam"},
        {"solver": "sgd", "learning_rate": "invscaling", "learning_rate_init": 0.1},
        {"solver": "sgd", "learning_rate": "adaptive", "tol": 10.0},
    ],
)
def test_warm_start_restarts_the_optimizer_as_scikit_learn(iris, kwargs):
    from sklearn.neural_network import MLPClassifier as SklearnMLP

    X, y = iris
    params = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0, **kwargs)
    ours = MLPClassifier(warm_start=True, **params)
    theirs = SklearnMLP(warm_start=True, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(3):
            ours.fit(X, y)
            theirs.fit(X, y)
            optimizer = ours.optimizer_
    # Weights carried over, optimizer state (moments, velocity, rate) fresh, t_
    # and loss_curve_ cumulative, n_iter_ for the last call: same numbers.
    for a, b in zip(ours.coefs_, theirs.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert ours.n_iter_ == theirs.n_iter_ and ours.t_ == theirs.t_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
    assert ours.optimizer_ is optimizer


def test_partial_fit_equals_epochs_of_fit(iris):
    X, y = iris
    kwargs = dict(
        learning_rate_init=0.01,
        random_state=0,
        shuffle=False,
        learning_rate=StepDecay(drop=0.5, epochs_per_drop=2),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        full = MLPClassifier((8,), max_iter=4, **kwargs).fit(X, y)
    partial = MLPClassifier((8,), **kwargs)
    for _ in range(4):
        partial.partial_fit(X, y, classes=np.unique(y))
    assert partial.n_iter_ == 1 and partial.t_ == 4 * len(X)
    np.testing.assert_allclose(partial.network_.params, full.network_.params, rtol=1e-5)


@pytest.mark.parametrize("classes", [[1, 0, 2], [2, 0, 1]])
def test_partial_fit_with_classes_in_any_order(iris, classes):
    X, y = iris
    ordered = MLPClassifier((8,), learning_rate_init=0.01, random_state=0)
    shuffled = clone(ordered)
    for _ in range(5):
        ordered.partial_fit(X, y, classes=[0, 1, 2])
        shuffled.partial_fit(X, y, classes=classes)
    np.testing.assert_array_equal(shuffled.classes_, [0, 1, 2])
    np.testing.assert_array_equal(shuffled.predict_proba(X), ordered.predict_proba(X))


def test_partial_fit_requires_classes_on_first_call(iris):
    X, y = iris
    with pytest.raises(ValueError, match="classes must be passed"):
        MLPClassifier().partial_fit(X, y)


def test_partial_fit_rejects_unknown_label(iris):
    X, y = iris
    clf = MLPClassifier((4,)).partial_fit(X, y, classes=[0, 1, 2])
    before = clf.network_.params.copy()
    with pytest.raises(ValueError, match=r"`y` has classes not in `self.classes_`"):
        clf.partial_fit(X[:3], [0, 1, 7])
    np.testing.assert_array_equal(clf.network_.params, before)


def test_early_stopping_restores_best_weights(digits_split):
    X_train, _, y_train, _ = digits_split
    X_train = StandardScaler().fit_transform(X_train)
    snapshots = []

    def record(est, info):
        snapshots.append((info["validation_score"], est.network_.params.copy()))

    clf = MLPClassifier(
        (32,),
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate_init=0.01,
        max_iter=100,
        random_state=0,
        callbacks=record,
    ).fit(X_train, y_train)
    assert len(clf.validation_scores_) == clf.n_iter_ == len(snapshots)
    assert len(clf.validation_loss_curve_) == clf.n_iter_
    best = int(np.argmax(clf.validation_scores_))
    assert best < clf.n_iter_ - 1, "stopped after a run of non-improving epochs"
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    np.testing.assert_array_equal(clf.network_.params, snapshots[best][1])


def test_callback_returning_true_stops(iris):
    X, y = iris
    seen = []

    def stop_at_three(est, info):
        seen.append(info)
        return info["epoch"] == 3

    clf = MLPClassifier((4,), callbacks=[stop_at_three], max_iter=50).fit(X, y)
    assert clf.n_iter_ == 3 and len(seen) == 3
    assert {"epoch", "loss", "learning_rate", "time"} <= set(seen[0])
    assert seen[-1]["loss"] == clf.loss_curve_[-1]


def test_callback_stops_lbfgs(iris):
    X, y = iris
    clf = MLPClassifier(
        (4,), solver="lbfgs", callbacks=lambda est, info: info["epoch"] == 5
    ).fit(X, y)
    assert clf.n_iter_ == 5 and len(clf.loss_curve_) == 5


def test_verbose_prints_one_line_per_epoch(iris, capsys):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPClassifier(
            (4,), verbose=True, max_iter=4, early_stopping=True, validation_fraction=0.2
        ).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    epochs, reasons = lines[:4], lines[4:]
    assert all(
        "loss =" in ln and "validation score" in ln and "time" in ln for ln in epochs
    )
    assert reasons[0] == "Training stopped: reached max_iter=4 epochs"
    assert reasons[1].startswith("Early stopping: restored the weights of epoch")
    assert len(reasons) == 2


def test_class_weight_shifts_decisions():
    X, y = make_classification(400, 5, weights=[0.9, 0.1], random_state=0)
    kwargs = dict(hidden_layer_sizes=(8,), solver="lbfgs", random_state=0)
    plain = MLPClassifier(**kwargs).fit(X, y)
    balanced = MLPClassifier(class_weight="balanced", **kwargs).fit(X, y)
    assert (balanced.predict(X) == 1).sum() > (plain.predict(X) == 1).sum()


def test_sample_weight_equals_repetition_for_full_batch(iris):
    X, y = iris
    weights = np.random.default_rng(0).integers(1, 3, size=len(y))
    kwargs = dict(
        hidden_layer_sizes=(5,),
        solver="lbfgs",
        dtype="float64",
        max_iter=30,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = MLPClassifier(**kwargs).fit(X, y, sample_weight=weights)
        repeated = MLPClassifier(**kwargs).fit(
            np.repeat(X, weights, axis=0), np.repeat(y, weights)
        )
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-6
    )


def test_minimal_schedule_plugin_without_on_plateau(iris):
    X, y = iris

    class Halving:
        def reset(self, learning_rate_init):
            self.rate = learning_rate_init

        def learning_rate(self, t, epoch):
            return self.rate / 2**epoch

    clf = MLPClassifier(
        (8,),
        learning_rate=Halving(),
        learning_rate_init=0.05,
        n_iter_no_change=2,
        tol=1.0,
        random_state=0,
    ).fit(X, y)
    # Epoch 1 improves on inf; epochs 2-4 do not improve by tol=1, and a third
    # such epoch exceeds n_iter_no_change=2: training stops, no AttributeError.
    assert clf.n_iter_ == 4


def test_configured_solver_objects_train_and_are_copied(iris):
    X, y = iris
    for solver in (SGD(momentum=0.0), SGD(nesterovs_momentum=False), Adam(beta_1=0.8)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf = MLPClassifier(
                (8,),
                solver=solver,
                learning_rate_init=0.05,
                max_iter=200,
                random_state=0,
            ).fit(X, y)
        assert clf.score(X, y) > 0.9, solver
        assert clf.optimizer_ == solver and clf.optimizer_ is not solver


@pytest.mark.parametrize(
    "solver,expected",
    [
        ("sgd", "InverseScaling"),
        (SGD(momentum=0.5), "InverseScaling"),  # an SGD object is SGD too
        ("adam", "Constant"),  # scikit-learn: learning_rate is for sgd only
    ],
)
def test_scikit_learn_schedules_apply_to_sgd_names_and_objects(iris, solver, expected):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(
            (4,), solver=solver, learning_rate="invscaling", max_iter=2
        ).fit(X, y)
    assert type(clf.schedule_).__name__ == expected
