"""Plugin objects are tunable parameters (get_params/set_params, clone, nested
parameters, grids) and every plugin parameter is validated by one constraint."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_mathdl import (
    LeastSquaresSentiment,
    MLPClassifier,
    RepresenterKernelRegressor,
    ShallowUniversalApproximator,
)
from sklearn_mathdl.kernel_ridge.kernels import RBF
from sklearn_mathdl.neural_network.activations import (
    ElementwiseActivation,
    LeakyReLU,
    Swish,
)
from sklearn_mathdl.neural_network.optimizers import LBFGS
from sklearn_mathdl.plugins import REGISTRIES, register_activation, register_kernel
from sklearn_mathdl.sentiment.tokenizers import WordTokenizer


def _every_registered_plugin():
    for kind, registry in REGISTRIES.items():
        for name in registry.available():
            yield pytest.param(registry, name, id=f"{kind}-{name}")


@pytest.mark.parametrize("registry, name", list(_every_registered_plugin()))
def test_every_registered_plugin_clones_and_round_trips_its_params(registry, name):
    plugin = registry.get(name)
    params = plugin.get_params(deep=False)
    copy = clone(plugin)
    assert copy is not plugin and type(copy) is type(plugin)
    assert copy.get_params(deep=False).keys() == params.keys()
    assert copy.set_params(**params) is copy


def test_nested_parameter_reaches_the_activation_object():
    clf = MLPClassifier(activation=LeakyReLU(slope=0.1))
    assert clf.get_params()["activation__slope"] == 0.1
    clf.set_params(activation__slope=0.3)
    assert clf.activation.slope == 0.3
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.set_params(max_iter=5).fit(X, y)
    assert clf.network_.activations[0].slope == 0.3
    # clone gives the clone its own plugin object.
    twin = clone(clf)
    twin.set_params(activation__slope=0.05)
    assert clf.activation.slope == 0.3


def test_per_layer_activation_lists_are_tunable():
    clf = MLPClassifier((4, 4), activation=[LeakyReLU(slope=0.2), "tanh"])
    params = clf.get_params(deep=True)
    assert params["activation__0__slope"] == 0.2 and params["activation__1"] == "tanh"
    clf.set_params(activation__0__slope=0.4, activation__1=Swish(beta=2.0))
    assert clf.activation[0].slope == 0.4 and clf.activation[1] == Swish(beta=2.0)
    clf.set_params(activation__1__beta=3.0)
    assert clf.activation[1].beta == 3.0
    with pytest.raises(ValueError, match="activation__0 to activation__1"):
        clf.set_params(activation__5="relu")
    with pytest.raises(ValueError, match="Give that layer a plugin object"):
        MLPClassifier((4,), activation=["relu"]).set_params(activation__0__slope=1)


def test_plugin_params_in_a_parallel_grid_search():
    Xr, yr = make_regression(120, 3, noise=5.0, random_state=0)
    search = GridSearchCV(
        RepresenterKernelRegressor(0.1, kernel=RBF()),
        {"kernel__gamma": [1e-4, 1e-2, 1.0]},
        cv=3,
        n_jobs=2,
        error_score="raise",
    ).fit(Xr, yr)
    scores = search.cv_results_["mean_test_score"]
    assert len(set(np.round(scores, 8))) == 3  # the parameter changed the fit
    assert search.best_estimator_.kernel_.gamma == search.best_params_["kernel__gamma"]


def test_tokenizer_settings_in_a_parallel_grid_search():
    texts = ["good film", "bad film", "good good", "bad bad"] * 10
    y = np.array([1.0, -1.0, 2.0, -2.0] * 10)
    search = GridSearchCV(
        LeastSquaresSentiment(alpha=0.1, tokenizer=WordTokenizer()),
        {"tokenizer__pattern": [r"(?u)\b\w+\b", r"(?u)\bg\w+\b"]},
        cv=2,
        n_jobs=2,
        error_score="raise",
    ).fit(texts, y)
    patterns = [est["tokenizer__pattern"] for est in search.cv_results_["params"]]
    assert patterns == [r"(?u)\b\w+\b", r"(?u)\bg\w+\b"]
    scores = search.cv_results_["mean_test_score"]
    assert scores[0] > scores[1]  # without "bad", half the reviews score 0


def test_shallow_activation_object_is_tunable():
    model = ShallowUniversalApproximator(4, activation=Swish(beta=1.0))
    model.set_params(activation__beta=2.5)
    assert model.get_params()["activation__beta"] == 2.5


# ------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "estimator, param, value, names",
    [
        (MLPClassifier(), "activation", "rectifier", "'relu'"),
        (MLPClassifier(), "activation", ["relu", 3], "one per hidden layer"),
        (MLPClassifier(), "loss", "hinje", "'hinge'"),
        (MLPClassifier(), "solver", object(), "'adam'"),
        (MLPClassifier(), "learning_rate", "fast", "'invscaling'"),
        (MLPClassifier(), "initializer", "zeros", "'glorot_uniform'"),
        (RepresenterKernelRegressor(), "kernel", "gausian", "'precomputed'"),
        (LeastSquaresSentiment(), "tokenizer", 3, "'whitespace'"),
        (ShallowUniversalApproximator(), "activation", "nope", "'tanh'"),
    ],
)
def test_one_constraint_lists_the_available_names(estimator, param, value, names):
    X, y = make_regression(20, 2, random_state=0)
    data = [f"text {i}" for i in range(20)] if "tokenizer" == param else X
    if isinstance(estimator, MLPClassifier):
        y = (y > 0).astype(int)
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter") as info:
        estimator.set_params(**{param: value}).fit(data, y)
    assert names in str(info.value)
    assert "register a new one with sklearn_mathdl.plugins.register_" in str(info.value)


def test_constraint_accepts_a_name_registered_after_import(clean_registries):
    class Cube(ElementwiseActivation):
        def forward(self, z):
            return z**3

        def derivative(self, z):
            return 3 * z**2

    with pytest.raises(InvalidParameterError, match="cube_late"):
        MLPClassifier(activation="cube_late")._validate_params()
    register_activation("cube_late")(Cube)
    MLPClassifier(activation="cube_late")._validate_params()
    assert "cube_late" in str(MLPClassifier._parameter_constraints["activation"][0])


def test_no_plugin_parameter_skips_validation():
    for cls in (
        MLPClassifier,
        RepresenterKernelRegressor,
        LeastSquaresSentiment,
        ShallowUniversalApproximator,
    ):
        skipped = [
            p for p, c in cls._parameter_constraints.items() if c == "no_validation"
        ]
        assert skipped == [], (cls.__name__, skipped)


def test_registering_a_taken_name_raises_unless_overwrite(clean_registries):
    class Mine(RBF):
        pass

    with pytest.raises(ValueError, match=r"already registered .*'rbf'.*overwrite"):
        register_kernel("rbf")(Mine)
    assert REGISTRIES["kernel"].registered("rbf") is RBF
    register_kernel("rbf", overwrite=True)(Mine)
    assert REGISTRIES["kernel"].registered("rbf") is Mine
    # Registering the same plugin again under its own name is harmless.
    register_kernel("rbf")(Mine)


# --------------------------------------------------------- faulty plugins
def test_wrong_shape_initializer_is_named():
    class Transposed:
        def initialize(self, fan_in, fan_out, random_state, dtype):
            return np.zeros((fan_out, fan_in), dtype), np.zeros(fan_out, dtype)

        def __repr__(self):
            return "Transposed()"

    X, y = load_iris(return_X_y=True)
    with pytest.raises(
        ValueError, match=r"initializer Transposed\(\) returned weights"
    ):
        MLPClassifier((16,), initializer=Transposed()).fit(X, y)


def test_wrong_dtype_activation_is_named():
    class Upcasting(ElementwiseActivation):
        def forward(self, z):
            return np.tanh(z).astype(np.float64)

        def derivative(self, z):
            return 1 - np.tanh(z) ** 2

    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=r"Upcasting\(\) of layer 1 .*dtype float64"):
        MLPClassifier((8,), activation=Upcasting(), dtype="float32").fit(X, y)


def test_optimizer_plugins_iteration_count_becomes_n_iter():
    class SilentLBFGS(LBFGS):
        """Reports its iterations without calling the callback."""

        def minimize(self, fun, params, max_iter, tol, callback=None):
            return super().minimize(fun, params, max_iter, tol, callback=None)

    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = MLPClassifier((8,), solver=SilentLBFGS(), max_iter=7).fit(X, y)
    assert ours.n_iter_ == 7


def test_wrong_shape_kernel_is_named():
    def half_kernel(X, Y):
        return (X @ Y.T)[:, : max(1, Y.shape[0] // 2)]

    Xr, yr = make_regression(40, 3, random_state=0)
    with pytest.raises(ValueError, match=r"kernel <function .*half_kernel.* shape"):
        RepresenterKernelRegressor(kernel=half_kernel).fit(Xr, yr)
