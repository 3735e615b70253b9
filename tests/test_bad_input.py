"""Bad input gets a clear ValueError and never corrupts a fitted model."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import MLPClassifier, MLPRegressor
from sklearn_mathdl.neural_network.activations import ReLU
from sklearn_mathdl.neural_network.optimizers import SGD
from tests.faults import count_package_lines, interrupt_at_line


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def fitted(iris):
    X, y = iris
    return MLPClassifier((8,), solver="lbfgs", max_iter=30, random_state=0).fit(X, y)


def with_nan(X):
    X = X.copy()
    X[3, 1] = np.nan
    return X


def with_inf(X):
    X = X.copy()
    X[0, 0] = np.inf
    return X


BAD_FITS = [
    ("nan", lambda X, y: (with_nan(X), y), {}, "Input X contains NaN"),
    ("inf", lambda X, y: (with_inf(X), y), {}, "Input X contains infinity"),
    ("empty", lambda X, y: (X[:0], y[:0]), {}, "0 sample"),
    (
        "unknown activation",
        lambda X, y: (X, y),
        {"activation": "reluu"},
        r"The 'activation' parameter of MLPClassifier must be a registered activation name among \[.*'leaky_relu'.*\]",
    ),
    (
        "unknown loss",
        lambda X, y: (X, y),
        {"loss": "hinje"},
        r"The 'loss' parameter of MLPClassifier must be a registered classification loss name among \[.*'hinge'.*Got 'hinje'",
    ),
    (
        "unknown solver",
        lambda X, y: (X, y),
        {"solver": "adamw"},
        r"The 'solver' parameter .* among \[.*'adam'.*Got 'adamw'",
    ),
    ("negative alpha", lambda X, y: (X, y), {"alpha": -1.0}, "'alpha' parameter"),
    (
        "activation list of wrong length",
        lambda X, y: (X, y),
        {"activation": ["relu", "tanh"]},
        "activation has 2 entries but the network has 1 hidden layers",
    ),
    (
        "bad dtype",
        lambda X, y: (X, y),
        {"dtype": "int8"},
        "The .dtype. parameter of MLPClassifier must be",
    ),
    (
        "unparsable dtype",
        lambda X, y: (X, y),
        {"dtype": "fp32"},
        "The .dtype. parameter of MLPClassifier must be",
    ),
    (
        "float16 dtype",
        lambda X, y: (X, y),
        {"dtype": "float16"},
        "The .dtype. parameter of MLPClassifier must be",
    ),
    (
        "wrong feature count",
        lambda X, y: (X[:, :3], y),
        {"warm_start": True},
        "X has 3 features, but MLPClassifier is expecting 4 features",
    ),
]


@pytest.mark.parametrize(
    "make_input, params, message",
    [case[1:] for case in BAD_FITS],
    ids=[case[0] for case in BAD_FITS],
)
def test_bad_fit_input_raises_and_keeps_the_fitted_model(
    fitted, iris, make_input, params, message
):
    X, y = iris
    before = pickle.dumps(fitted)
    proba = fitted.predict_proba(X)
    bad_X, bad_y = make_input(X, y)
    with pytest.raises(ValueError, match=message):
        fitted.set_params(**params).fit(bad_X, bad_y)
    fitted.set_params(**pickle.loads(before).get_params())
    assert pickle.dumps(fitted) == before
    np.testing.assert_array_equal(fitted.predict_proba(X), proba)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "logits"])
def test_wrong_feature_count_at_predict(fitted, iris, method):
    X, _ = iris
    with pytest.raises(ValueError, match="X has 2 features, but MLPClassifier"):
        getattr(fitted, method)(X[:, :2])


def test_nan_at_predict(fitted, iris):
    X, _ = iris
    with pytest.raises(ValueError, match="Input X contains NaN"):
        fitted.predict(with_nan(X))


def test_divergence_on_huge_input_names_the_data_and_keeps_the_model(iris):
    X, y = iris
    clf = MLPClassifier(
        (8,),
        solver=SGD(momentum=0.0),
        loss="l2",
        learning_rate_init=0.05,
        batch_size=16,
        warm_start=True,
        max_iter=20,
        random_state=0,
        shuffle=False,
    )
    with pytest.warns(Warning):
        clf.fit(X, y)
    before = pickle.dumps(clf)
    proba = clf.predict_proba(X)
    # float64 loss ~1e400 overflows at the first batch: the data's scale,
    # named with scikit-learn's sentence, not the learning rate.
    with pytest.raises(
        ValueError,
        match=r"input data may contain large values .* X has values up to 3.\d+e\+200 "
        r".* Scale the features.* left as it was before this fit",
    ) as error:
        clf.fit(X * 1e200, y)
    assert "learning_rate" not in str(error.value)
    assert pickle.dumps(clf) == before
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert clf.score(X, y) > 0.8


def test_divergence_of_a_continued_fit_undoes_the_call(iris):
    """A warm start that diverges after some finite steps is undone whole: the
    estimator is the model before the call, optimizer state included."""
    X, y = iris
    clf = MLPClassifier(
        (8,), solver=SGD(momentum=0.9), loss="l2", warm_start=True, random_state=0
    )
    with pytest.warns(ConvergenceWarning):
        clf.set_params(max_iter=5).fit(X, y)
    clf.set_params(learning_rate_init=1e4, max_iter=50)
    before = pickle.dumps(clf)
    with pytest.raises(
        ValueError,
        match=r"became (inf|nan) at epoch \d+: the steps diverged .* lower "
        r"learning_rate_init \(now 10000.0\).* left as it was before this fit",
    ):
        clf.fit(X, y)
    assert pickle.dumps(clf) == before


def test_divergence_of_a_fresh_fit_keeps_the_previous_model(iris):
    X, y = iris
    clf = MLPClassifier((8,), solver="lbfgs", max_iter=30, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    proba = clf.predict_proba(X)
    clf.set_params(
        solver=SGD(momentum=0.9), loss="l2", learning_rate_init=1e4, max_iter=50
    )
    before = pickle.dumps(clf)
    with pytest.raises(
        ValueError, match=r"became (inf|nan).* left as it was before this fit"
    ) as error:
        clf.fit(X, y)
    assert "were kept" not in str(error.value)
    # The good model is still there, every attribute as it was.
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert pickle.dumps(clf) == before


def test_divergence_of_a_first_fit_leaves_it_unfitted(iris):
    X, y = iris
    clf = MLPClassifier(
        (8,), solver=SGD(momentum=0.9), loss="l2", learning_rate_init=1e4, max_iter=50
    )
    # The message says what the state is: unfitted, no weights kept.
    with pytest.raises(
        ValueError,
        match=r"became (inf|nan).* left as it was before this fit "
        r"\(unfitted if it was never fitted\)\.$",
    ):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    assert not hasattr(clf, "coefs_") and not hasattr(clf, "n_iter_")


class InterruptingReLU(ReLU):
    """Raises KeyboardInterrupt, as Ctrl-C would, at the n-th forward call."""

    def __init__(self, at_call=10**9):
        self.at_call = at_call
        self.calls_ = 0

    def forward(self, z):
        self.calls_ += 1
        if self.calls_ == self.at_call:
            raise KeyboardInterrupt
        return super().forward(z)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_ctrl_c_undoes_the_fit_and_propagates(iris, solver):
    """The package's Ctrl-C policy: the interrupted call is undone (the
    estimator is the model it was) and the KeyboardInterrupt propagates."""
    X, y = iris
    clf = MLPClassifier((8,), solver=solver, batch_size=50, max_iter=10, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    proba = clf.predict_proba(X)
    # 150 samples, batch 50: three forward calls per epoch; interrupt epoch 3.
    clf.set_params(activation=InterruptingReLU(at_call=10), random_state=1)
    before = pickle.dumps(clf)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    assert pickle.dumps(clf) == before
    np.testing.assert_array_equal(clf.predict_proba(X), proba)


def test_ctrl_c_of_a_first_fit_leaves_it_unfitted(iris):
    X, y = iris
    clf = MLPClassifier((8,), activation=InterruptingReLU(at_call=10), max_iter=10)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    assert not any(name.endswith("_") for name in vars(clf))


def test_ctrl_c_during_partial_fit_rolls_back_the_optimizer_state(iris):
    """Weights, Adam's t_, m_, v_ and n_updates_ all return to their values
    before the interrupted partial_fit (not only the weights)."""
    X, y = iris
    clf = MLPClassifier((8,), batch_size=30, random_state=0)
    for _ in range(3):
        clf.partial_fit(X, y, classes=np.unique(y))
    state = (
        clf.optimizer_.t_,
        clf.optimizer_.m_.copy(),
        clf.optimizer_.v_.copy(),
        clf.n_updates_,
        clf.t_,
        clf.network_.params.copy(),
    )
    before = pickle.dumps(clf)
    lines = count_package_lines(lambda: pickle.loads(before).partial_fit(X, y))
    # Late in the epoch: several of its five updates have been made.
    with pytest.raises(KeyboardInterrupt), interrupt_at_line(int(0.8 * lines)):
        clf.partial_fit(X, y)
    assert pickle.dumps(clf) == before
    assert clf.optimizer_.t_ == state[0] == 15 and clf.n_updates_ == state[3]
    np.testing.assert_array_equal(clf.optimizer_.m_, state[1])
    np.testing.assert_array_equal(clf.optimizer_.v_, state[2])
    assert clf.t_ == state[4]
    np.testing.assert_array_equal(clf.network_.params, state[5])
    # And the next call continues from there, as if never interrupted.
    reference = pickle.loads(before).partial_fit(X, y)
    np.testing.assert_array_equal(
        clf.partial_fit(X, y).network_.params, reference.network_.params
    )


# ----------------------------------------------- numerical range and labels
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_targets_overflowing_the_loss_are_blamed_on_y_not_the_loss(iris, solver):
    """y = 1e300 overflows the squared error: y's scale is named, with the fix,
    and the built-in loss is not blamed."""
    X, _ = iris
    y = np.linspace(-1, 1, len(X)) * 1e300
    with pytest.raises(ValueError) as error:
        MLPRegressor(hidden_layer_sizes=(4,), solver=solver, random_state=0).fit(X, y)
    message = str(error.value)
    assert "The loss SquaredError() overflowed" in message
    assert "y's scale is too large" in message
    assert "TransformedTargetRegressor" in message and "StandardScaler" in message
    assert "Fix the plugin" not in message


def test_values_beyond_float32_are_named(iris):
    X, y = iris
    big = X.copy()
    big[0, 0] = 1e300
    with pytest.raises(ValueError, match=r"X has values up to 1e\+300 .* float32"):
        MLPClassifier((4,), dtype="float32").fit(big, y)
    with pytest.raises(ValueError, match=r"y has values up to 2e\+300 .* float32"):
        MLPRegressor(hidden_layer_sizes=(4,), dtype="float32").fit(X, y * 1e300)


@pytest.mark.parametrize(
    "weights, message",
    [
        (np.zeros(150), "Sample weights must contain at least one non-zero"),
        (-np.ones(150), "Negative values in data passed to `?sample_weight"),
        (np.full(150, 1e308), "sample_weight sums to inf"),
    ],
    ids=["zero", "negative", "overflowing"],
)
def test_sample_weights_the_loss_cannot_average_are_refused(iris, weights, message):
    X, y = iris
    with pytest.raises(ValueError, match=message):
        MLPClassifier((4,)).fit(X, y, sample_weight=weights)


def test_labels_of_mixed_types_say_what_is_wrong_with_y(iris):
    """scikit-learn (and NumPy's sort) would say "'<' not supported between
    instances of 'int' and 'str'"."""
    X, _ = iris
    y = np.array([1, "a", 2] * 50, dtype=object)
    with pytest.raises(ValueError) as error:
        MLPClassifier((4,)).fit(X, y)
    message = str(error.value)
    assert "y mixes labels of type str (e.g. 'a') and of type int (e.g. 1)" in message
    assert "np.asarray(y).astype(str)" in message
    assert "not supported between instances" not in message
    classes = np.array([0, "a", 2], dtype=object)
    with pytest.raises(ValueError, match="classes mixes labels of type str"):
        MLPClassifier((4,)).partial_fit(X, np.arange(150) % 3, classes=classes)
    fitted = MLPClassifier((4,), max_iter=2).partial_fit(
        X, y.astype(str), classes=["1", "2", "a"]
    )
    with pytest.raises(
        ValueError, match="y has labels of type number, but the classifier"
    ):
        fitted.partial_fit(X, np.arange(150) % 3)


def test_numbers_in_an_object_array_are_labels(iris):
    X, y = iris
    clf = MLPClassifier((4,), solver="lbfgs", max_iter=500, random_state=0)
    clf.fit(X, y.astype(object))
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_non_numeric_regression_targets_are_named(iris):
    X, _ = iris
    with pytest.raises(
        ValueError, match="MLPRegressor needs real-valued targets, but y contains 'a'"
    ):
        MLPRegressor().fit(X, np.array(["a"] * 150))
