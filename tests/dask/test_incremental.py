"""dask-ml's ``Incremental`` streams the MLPs' ``partial_fit`` over dask-array
chunks on the cluster: the model equals the one fitted here by ``partial_fit``
on the same chunks in the same order."""

import dask.array as da
import numpy as np
import pytest
from dask_ml.wrappers import Incremental
from sklearn.datasets import make_classification, make_regression

from sklearn_mathdl import MLPClassifier, MLPRegressor

CHUNK = 100


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_incremental_equals_partial_fit_chunk_by_chunk(dask_client, kind):
    if kind == "classifier":
        X, y = make_classification(400, 6, n_classes=3, n_informative=4, random_state=0)
        model, extra = MLPClassifier((8,), random_state=0), {"classes": [0, 1, 2]}
    else:
        X, y = make_regression(400, 6, noise=1.0, random_state=0)
        y = y / y.std()
        model, extra = MLPRegressor(hidden_layer_sizes=(8,), random_state=0), {}
    X_d, y_d = da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK)
    streamed = Incremental(model, shuffle_blocks=False).fit(X_d, y_d, **extra)
    here = model.__class__(**model.get_params())
    for start in range(0, len(X), CHUNK):
        here.partial_fit(X[start : start + CHUNK], y[start : start + CHUNK], **extra)
    for a, b in zip(streamed.estimator_.coefs_, here.coefs_):
        np.testing.assert_array_equal(a, b)
    assert streamed.estimator_.n_iter_ == here.n_iter_
    lazy = streamed.predict(X_d)
    assert isinstance(lazy, da.Array)
    np.testing.assert_array_equal(lazy.compute(), here.predict(X))
