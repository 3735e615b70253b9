"""ShallowUniversalApproximator stores its weights once, in ``network_``."""

import pickle

import numpy as np
import pytest

from sklearn_mathdl import ShallowUniversalApproximator
from sklearn_mathdl.neural_network._network import DenseNetwork
from sklearn_mathdl.neural_network._shallow_backprop import fit_backprop
from sklearn_mathdl.plugins import get_activation

METHODS = ["backprop", "random", "greedy"]
VIEWS = ["hidden_weights_", "hidden_bias_", "output_weights_"]


def _data(n=80, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, d))
    return X, np.sin(2 * X[:, 0]) * X[:, 1]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("two_outputs", [False, True])
def test_attributes_are_read_only_views_into_the_network(method, two_outputs):
    X, y = _data()
    Y = np.column_stack([y, X[:, 2]]) if two_outputs else y
    model = ShallowUniversalApproximator(
        7, method=method, max_iter=20, random_state=0
    ).fit(X, Y)
    network = model.network_
    assert network.layer_sizes == [3, model.n_neurons_, 2 if two_outputs else 1]
    assert network.activations[0] is model.activation_
    assert type(network.activations[1]).__name__ == "Identity"
    for name in VIEWS + (["output_bias_"] if two_outputs else []):
        view = getattr(model, name)
        assert np.shares_memory(view, network.params), name
        with pytest.raises(ValueError, match="read-only"):
            view[...] = 0.0
        assert name not in model.__dict__
    np.testing.assert_array_equal(model.hidden_weights_, network.coefs[0].T)
    assert isinstance(model.output_bias_, float) != two_outputs


def test_pickle_holds_the_weights_once():
    X, y = _data(n=200, d=20)
    model = ShallowUniversalApproximator(200, method="random", random_state=0)
    payload = pickle.dumps(model.fit(X, y))
    weight_bytes = model.network_.params.nbytes
    # The parameter vector and the network's gradient buffer, not more.
    assert len(payload) < 2 * weight_bytes + 20_000
    restored = pickle.loads(payload)
    np.testing.assert_array_equal(restored.hidden_weights_, model.hidden_weights_)
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


def test_unfitted_views_raise_not_fitted():
    model = ShallowUniversalApproximator()
    for name in VIEWS + ["output_bias_", "n_neurons_", "activation_"]:
        assert not hasattr(model, name)


def test_fit_backprop_trains_the_given_network_in_place():
    X, y = _data()
    Y = y[:, None]
    rng = np.random.default_rng(1)
    network = DenseNetwork(
        [3, 6, 1], [get_activation("tanh"), get_activation("identity")], np.float64
    )
    network.params[...] = rng.normal(0, 0.5, network.params.size)
    params = network.params
    before = float(np.mean((network.forward(X) - Y) ** 2))
    n_iter, loss_curve = fit_backprop(
        network,
        X,
        Y,
        np.ones(len(y)),
        solver="lbfgs",
        alpha=1e-5,
        max_iter=50,
        tol=1e-6,
        learning_rate_init=1e-3,
        batch_size="auto",
        random_state=np.random.RandomState(0),
        verbose=False,
    )
    assert network.params is params  # trained in place
    after = float(np.mean((network.forward(X) - Y) ** 2))
    assert 0 < n_iter <= 50 and loss_curve
    assert after < 0.5 * before
