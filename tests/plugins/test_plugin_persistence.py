"""A saved model depends only on the plugins it uses (every family, fresh
interpreters, pickle, joblib and cloudpickle), and shares safely with skops."""

import pickle
import warnings

import numpy as np
import pytest
import skops.io as sio
from sklearn.datasets import load_iris, make_regression

from sklearn_mathdl import (
    LeastSquaresSentiment,
    MLPClassifier,
    MLPRegressor,
    RepresenterKernelRegressor,
    ShallowUniversalApproximator,
)
from sklearn_mathdl.datasets import load_movie_snippets
from sklearn_mathdl.neural_network.activations import ElementwiseActivation
from sklearn_mathdl.plugins import REGISTRIES, register_activation, register_kernel

# Plugins of every family, defined in a module (PLUGIN_MODULE) or in the script.
PLUGIN_SOURCE = """
import numpy as np
from sklearn_mathdl.kernel_ridge.kernels import RBF
from sklearn_mathdl.neural_network.activations import ElementwiseActivation
from sklearn_mathdl.sentiment.tokenizers import WhitespaceTokenizer


class Softsign{tag}(ElementwiseActivation):
    def forward(self, z):
        return z / (1 + np.abs(z))

    def derivative(self, z):
        return 1 / (1 + np.abs(z)) ** 2


class WideRBF{tag}(RBF):
    pass


class LowerWords{tag}(WhitespaceTokenizer):
    def __call__(self, text):
        return text.lower().split()
"""

# Fits one model of every family with the plugins named by ``act``, ``kern``
# and ``tok`` (names or objects) and saves it three ways, with its predictions.
FIT_AND_SAVE = """
import pickle, warnings
import cloudpickle, joblib
import numpy as np
from sklearn.datasets import load_iris, make_regression
from sklearn_mathdl import (
    LeastSquaresSentiment, MLPClassifier, MLPRegressor,
    RepresenterKernelRegressor, ShallowUniversalApproximator,
)
from sklearn_mathdl.datasets import load_movie_snippets

warnings.simplefilter("ignore")
X, y = load_iris(return_X_y=True)
Xr, yr = make_regression(150, 4, noise=1.0, random_state=0)
texts, ratings = load_movie_snippets(return_X_y=True)
texts, ratings = texts[:400], ratings[:400]
models = {
    "mlp": (MLPClassifier((8,), activation=act, max_iter=30, random_state=0), X, y),
    "mlp_reg": (MLPRegressor(hidden_layer_sizes=(8,), activation=act, max_iter=30,
                             random_state=0), Xr, yr),
    "kernel": (RepresenterKernelRegressor(0.1, kernel=kern), Xr, yr),
    "sentiment": (LeastSquaresSentiment(tokenizer=tok), texts, ratings),
    "shallow": (ShallowUniversalApproximator(8, activation=act, method="random",
                                             random_state=0), Xr, yr),
}
for name, (model, data, target) in models.items():
    model.fit(data, target)
    pickle.dump(model, open(f"{name}.pkl", "wb"))
    joblib.dump(model, f"{name}.joblib")
    open(f"{name}.cloudpickle", "wb").write(cloudpickle.dumps(model))
    np.save(f"{name}.npy", model.predict(data))
"""

# Loads every saved model three ways in another interpreter (and folder),
# checks its predictions and refits a clone of it.
LOAD_AND_REFIT = """
import pickle, warnings
import cloudpickle, joblib
import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn_mathdl.datasets import load_movie_snippets

warnings.simplefilter("ignore")
X, y = load_iris(return_X_y=True)
Xr, yr = make_regression(150, 4, noise=1.0, random_state=0)
texts, ratings = load_movie_snippets(return_X_y=True)
data = {"mlp": (X, y), "mlp_reg": (Xr, yr), "kernel": (Xr, yr),
        "sentiment": (texts[:400], ratings[:400]), "shallow": (Xr, yr)}
for name, (features, target) in data.items():
    path = f"{DIR}/{name}"
    expected = np.load(path + ".npy")
    for model in (
        pickle.load(open(path + ".pkl", "rb")),
        joblib.load(path + ".joblib"),
        cloudpickle.loads(open(path + ".cloudpickle", "rb").read()),
    ):
        np.testing.assert_allclose(model.predict(features), expected)
        clone(model).fit(features, target).predict(features)
    print(name, "ok")
"""

FAMILIES = ("mlp", "mlp_reg", "kernel", "sentiment", "shallow")


def _load_elsewhere(run_python, tmp_path, **env):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    out = run_python(
        f"DIR = {str(tmp_path)!r}\n" + LOAD_AND_REFIT, cwd=elsewhere, **env
    )
    assert out.split() == [word for f in FAMILIES for word in (f, "ok")]


def test_unused_main_registrations_never_affect_loading(run_python, tmp_path):
    run_python(
        PLUGIN_SOURCE.format(tag="")
        + """
from sklearn_mathdl.plugins import (
    register_activation, register_kernel, register_tokenizer
)
register_activation("unused_softsign")(Softsign)
register_kernel("unused_rbf")(WideRBF)
register_tokenizer("unused_lower")(LowerWords)
act, kern, tok = "relu", "rbf", "word"
"""
        + FIT_AND_SAVE
    )
    for family in FAMILIES:
        payload = (tmp_path / f"{family}.pkl").read_bytes()
        assert b"unused" not in payload and b"__main__" not in payload
        assert b"cloudpickle" not in payload  # plain pickle: no by-value code
    _load_elsewhere(run_python, tmp_path)


def test_plugins_from_an_importable_module_load_where_it_is_importable(
    run_python, tmp_path
):
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "user_plugins.py").write_text(PLUGIN_SOURCE.format(tag=""))
    run_python(
        """
from user_plugins import LowerWords, Softsign, WideRBF
from sklearn_mathdl.plugins import (
    register_activation, register_kernel, register_tokenizer
)
register_activation("module_softsign")(Softsign)
register_kernel("module_rbf")(WideRBF)
register_tokenizer("module_lower")(LowerWords)
act, kern, tok = "module_softsign", "module_rbf", "module_lower"
"""
        + FIT_AND_SAVE,
        PYTHONPATH=str(modules),
    )
    for family in FAMILIES:
        payload = (tmp_path / f"{family}.pkl").read_bytes()
        assert b"user_plugins" in payload and b"cloudpickle" not in payload
    _load_elsewhere(run_python, tmp_path, PYTHONPATH=str(modules))


@pytest.mark.parametrize("by", ["name", "object"])
def test_plugins_defined_in_main_travel_by_value(run_python, tmp_path, by):
    """Loading is the outcome chosen: the script's classes travel by value."""
    if by == "name":
        chosen = """
from sklearn_mathdl.plugins import (
    register_activation, register_kernel, register_tokenizer
)
register_activation("main_softsign")(Softsign)
register_kernel("main_rbf")(WideRBF)
register_tokenizer("main_lower")(LowerWords)
act, kern, tok = "main_softsign", "main_rbf", "main_lower"
"""
    else:
        chosen = "act, kern, tok = Softsign(), WideRBF(gamma=0.5), LowerWords()\n"
    run_python(PLUGIN_SOURCE.format(tag="") + chosen + FIT_AND_SAVE)
    _load_elsewhere(run_python, tmp_path)


def test_a_fitted_pickle_holds_only_the_plugins_it_names(clean_registries):
    @register_activation("never_used_here")
    class NeverUsed(ElementwiseActivation):
        def forward(self, z):
            return z

        def derivative(self, z):
            return np.ones_like(z)

    register_activation("used_here")(type("UsedHere", (NeverUsed,), {}))
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MLPClassifier((4,), activation="used_here", max_iter=5).fit(X, y)
    carried = pickle.loads(pickle.dumps(model)).__getstate__()["_carried_plugins"]
    assert [(kind, name) for kind, name, _ in carried] == [("activation", "used_here")]
    # Unfitted, an estimator is a specification a search may set to any name.
    spec = MLPClassifier((4,)).__getstate__()["_carried_plugins"]
    assert {"never_used_here", "used_here"} <= {name for _, name, _ in spec}


def test_loading_never_replaces_a_plugin_the_process_has(clean_registries):
    class First(ElementwiseActivation):
        def forward(self, z):
            return z

        def derivative(self, z):
            return np.ones_like(z)

    class Second(First):
        pass

    register_activation("taken_name")(First)
    payload = pickle.dumps(MLPClassifier((4,), activation="taken_name"))
    REGISTRIES["activation"].register("taken_name", overwrite=True)(Second)
    pickle.loads(payload)
    assert REGISTRIES["activation"].registered("taken_name") is Second


def _fitted_models():
    X, y = load_iris(return_X_y=True)
    Xr, yr = make_regression(120, 4, noise=1.0, random_state=0)
    texts, ratings = load_movie_snippets(return_X_y=True)
    cases = [
        (MLPClassifier((8,), max_iter=20, random_state=0), X, y),
        (MLPClassifier((8,), solver="lbfgs", max_iter=20, random_state=0), X, y),
        (MLPRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0), Xr, yr),
        (RepresenterKernelRegressor(), Xr, yr),
        (
            RepresenterKernelRegressor(
                solver="nystrom-pcg", n_centers=20, random_state=0
            ),
            Xr,
            yr,
        ),
        (RepresenterKernelRegressor([0.1, 1.0], alpha_selection="loo"), Xr, yr),
        (ShallowUniversalApproximator(8, max_iter=20, random_state=0), Xr, yr),
        (ShallowUniversalApproximator(8, method="random", random_state=0), Xr, yr),
        (ShallowUniversalApproximator(8, method="greedy", random_state=0), Xr, yr),
        (LeastSquaresSentiment(), texts[:300], ratings[:300]),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [(model.fit(data, target), data) for model, data, target in cases]


@pytest.mark.parametrize(
    "model, data", _fitted_models(), ids=lambda v: type(v).__name__
)
def test_skops_round_trip_trusts_only_this_package(model, data):
    payload = sio.dumps(model)
    untrusted = sio.get_untrusted_types(data=payload)
    assert untrusted and all(t.startswith("sklearn_mathdl.") for t in untrusted)
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        sio.loads(payload)
    loaded = sio.loads(payload, trusted=untrusted)
    np.testing.assert_allclose(loaded.predict(data), model.predict(data))


def test_skops_names_a_script_plugin_as_untrusted(clean_registries):

    class ScriptKernel(type(REGISTRIES["kernel"].get("rbf"))):
        pass

    register_kernel("script_kernel")(ScriptKernel)
    Xr, yr = make_regression(60, 3, random_state=0)
    model = RepresenterKernelRegressor(kernel=ScriptKernel()).fit(Xr, yr)
    untrusted = sio.get_untrusted_types(data=sio.dumps(model))
    assert any("ScriptKernel" in t for t in untrusted)


def test_grid_only_name_reaches_dask_workers(run_python):
    """``joblib.parallel_backend("dask")`` on a multi-process LocalCluster:
    the unfitted estimator sent to each worker carries the run-time plugins."""
    out = run_python(
        PLUGIN_SOURCE.format(tag="")
        + """
import warnings
import joblib
from distributed import Client, LocalCluster
from sklearn.datasets import load_iris, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn_mathdl import MLPClassifier, RepresenterKernelRegressor
from sklearn_mathdl.plugins import register_activation, register_kernel

warnings.simplefilter("ignore")
X, y = load_iris(return_X_y=True)
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                  host="127.0.0.1", dashboard_address=None) as cluster:
    with Client(cluster) as client:
        register_activation("softsign_dask")(Softsign)
        register_kernel("wide_rbf_dask")(WideRBF)
        with joblib.parallel_backend("dask"):
            mlp = GridSearchCV(
                MLPClassifier((8,), solver="lbfgs", max_iter=100, random_state=0),
                {"activation": ["relu", "softsign_dask"]}, cv=3,
                error_score="raise",
            ).fit(X, y)
            kernel = GridSearchCV(
                RepresenterKernelRegressor(0.1),
                {"kernel": ["rbf", "wide_rbf_dask"]}, cv=3, error_score="raise",
            ).fit(*make_regression(150, 3, noise=1.0, random_state=0))
        workers = client.run(
            lambda: __import__("sklearn_mathdl.plugins").plugins.REGISTRIES[
                "activation"].registered("softsign_dask") is not None
        )
print(mlp.cv_results_["mean_test_score"].min(),
      kernel.cv_results_["mean_test_score"].min(), any(workers.values()))
"""
    )
    mlp, kernel, on_workers = out.split()
    assert float(mlp) > 0.9 and float(kernel) > 0.5 and on_workers == "True"
