"""Every estimator searched on a real Dask cluster (``parallel_backend("dask")``).

Each grid mixes a built-in plugin by name, a plugin object and a name
registered at run time in this process only: the workers must learn it from
the estimator they receive. The scores must equal those of the same search
run in this process, candidate by candidate.
"""

import uuid
import warnings

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

from sklearn_mathdl import (
    KolmogorovArnoldRegressor,
    LeastSquaresSentiment,
    MLPClassifier,
    MLPRegressor,
    RepresenterKernelRegressor,
    ShallowUniversalApproximator,
)
from sklearn_mathdl.datasets import load_movie_snippets
from sklearn_mathdl.kernel_ridge.kernels import Laplacian
from sklearn_mathdl.neural_network.activations import LeakyReLU
from sklearn_mathdl.neural_network.regression_losses import Huber
from sklearn_mathdl.plugins import (
    REGISTRIES,
    register_activation,
    register_kernel,
    register_loss,
    register_tokenizer,
)
from sklearn_mathdl.sentiment.tokenizers import WhitespaceTokenizer
from sklearn_mathdl.theory import SawtoothNetwork
from tests.dask._plugins import HalfSquaredError, LowerTokenizer, Softsign, WideRBF


def _regression():
    return make_regression(120, 3, noise=1.0, random_state=0)


def _texts():
    texts, y = load_movie_snippets(return_X_y=True)
    return list(texts[:600]), np.asarray(y[:600], dtype=float)


def _sawtooth():
    X = np.linspace(0, 1, 65)[:, None]
    return X, SawtoothNetwork(k=3).fit().predict(X)


CASES = {
    "MLPClassifier": (
        lambda: MLPClassifier((8,), solver="lbfgs", max_iter=60, random_state=0),
        "activation",
        ["relu", LeakyReLU(0.2), "softsign_dask"],
        lambda: load_iris(return_X_y=True),
    ),
    "MLPRegressor": (
        lambda: MLPRegressor(
            hidden_layer_sizes=(8,), solver="lbfgs", max_iter=60, random_state=0
        ),
        "loss",
        ["squared_error", Huber(), "half_squared_dask"],
        _regression,
    ),
    "ShallowUniversalApproximator": (
        lambda: ShallowUniversalApproximator(8, max_iter=50, random_state=0),
        "activation",
        ["tanh", LeakyReLU(0.2), "softsign_dask"],
        _regression,
    ),
    "RepresenterKernelRegressor": (
        lambda: RepresenterKernelRegressor(0.1),
        "kernel",
        ["rbf", Laplacian(gamma=0.5), "wide_rbf_dask"],
        _regression,
    ),
    "LeastSquaresSentiment": (
        lambda: LeastSquaresSentiment(1.0),
        "tokenizer",
        ["word", WhitespaceTokenizer(), "lower_dask"],
        _texts,
    ),
    "KolmogorovArnoldRegressor": (
        lambda: KolmogorovArnoldRegressor((2,), n_knots=4, max_iter=30, random_state=0),
        "base_function",
        ["silu", LeakyReLU(0.2), "softsign_dask"],
        _regression,
    ),
    "SawtoothNetwork": (
        lambda: SawtoothNetwork(),
        "k",
        [1, 2, 3],
        _sawtooth,
    ),
}


@pytest.fixture
def runtime_plugins(clean_registries):
    """Names registered in this process only (undone after the test)."""
    register_activation("softsign_dask")(Softsign)
    register_kernel("wide_rbf_dask")(WideRBF)
    register_loss("half_squared_dask")(HalfSquaredError)
    register_tokenizer("lower_dask")(LowerTokenizer)


def _search(make, name, values, X, y, search="grid"):
    if search == "grid":
        return GridSearchCV(make(), {name: values}, cv=3, error_score="raise")
    return RandomizedSearchCV(
        make(), {name: values}, n_iter=2, cv=3, random_state=0, error_score="raise"
    )


@pytest.mark.parametrize("search", ["grid", "randomized"])
@pytest.mark.parametrize("estimator", sorted(CASES))
def test_search_on_the_cluster_equals_the_search_here(
    dask_client, runtime_plugins, estimator, search
):
    make, name, values, data = CASES[estimator]
    X, y = data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning of short fits
        here = _search(make, name, values, X, y, search).fit(X, y)
        with joblib.parallel_backend("dask"):
            there = _search(make, name, values, X, y, search).fit(X, y)
    assert there.cv_results_["params"] == here.cv_results_["params"]
    scores = there.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all()
    np.testing.assert_allclose(scores, here.cv_results_["mean_test_score"], rtol=1e-10)


def _worker_knows(name):
    return REGISTRIES["activation"].registered(name) is not None


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_workers_learn_a_runtime_name_from_the_estimator(dask_client, clean_registries):
    """A name registered here only is unknown to the workers until an
    estimator naming it reaches them; then the fit there uses it."""
    name = f"softsign_{uuid.uuid4().hex}"
    register_activation(name)(Softsign)
    assert not any(dask_client.run(_worker_knows, name).values())
    X, y = load_iris(return_X_y=True)
    make, *_ = CASES["MLPClassifier"]
    with joblib.parallel_backend("dask"):
        search = GridSearchCV(make(), {"activation": [name]}, cv=2).fit(X, y)
    assert search.best_score_ > 0.8
    assert all(dask_client.run(_worker_knows, name).values())


def _blas_threads():
    from threadpoolctl import threadpool_info

    return min(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


def test_workers_run_blas_on_one_thread_and_fits_keep_it(dask_client):
    """The nanny's one-thread BLAS limit holds in the workers (docs/scaling_out.md),
    and a fit there does not raise it."""
    assert set(dask_client.run(_blas_threads).values()) == {1}
    assert dask_client.submit(_blas_threads_during_a_fit, pure=False).result() == [1]


def _blas_threads_during_a_fit():
    X, y = load_iris(return_X_y=True)
    seen = []
    model = MLPClassifier(
        (256,),
        max_iter=1,
        random_state=0,
        callbacks=lambda est, info: seen.append(_blas_threads()),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return seen
