"""noise_sensitivity and layer_cushion (Arora, Ge, Neyshabur & Zhang 2018)."""

import copy
import warnings

import numpy as np
import pytest
from scipy.special import gammaln
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier as SklearnMLP

from sklearn_mathdl import MLPClassifier, MLPRegressor
from sklearn_mathdl.plugins import get_initializer
from sklearn_mathdl.theory import layer_cushion, noise_sensitivity
from sklearn_mathdl.theory._noise_stability import mlp_layers, propagate


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def _linear_net(n, w):
    """MLPRegressor computing h1 = x (identity layer, W1 = I), output x . w."""
    rng = np.random.RandomState(0)
    X, y = rng.rand(20, n), rng.rand(20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net = MLPRegressor(
            hidden_layer_sizes=(n,), activation="identity", max_iter=1, dtype=np.float64
        )
        net.fit(X, y)
    net.coefs_ = [np.eye(n), w.reshape(n, 1)]
    net.intercepts_ = [np.zeros(n), np.zeros(1)]
    return net


def test_cushion_of_known_matrices():
    # Identity layer: |x I| / (|I|_F |x|) = 1 / sqrt(n) for every x. Output w:
    # |x . w| / (|w| |x|) = |cos(x, w)|, whose minimum over the points is mu_2.
    n = 9
    w = np.arange(1.0, n + 1)
    X = np.random.RandomState(1).rand(30, n) + 0.1
    cos = np.abs(X @ w) / (np.linalg.norm(w) * np.linalg.norm(X, axis=1))
    net = _linear_net(n, w)
    np.testing.assert_allclose(layer_cushion(net, X), [1 / 3, cos.min()], rtol=1e-12)
    median = layer_cushion(net, X, quantile=0.5)
    np.testing.assert_allclose(median, [1 / 3, np.median(cos)], rtol=1e-12)


def test_noise_sensitivity_closed_form():
    # Noise at the input, |eta| = |x|, uniform direction. Through W1 = I the
    # change is eta itself: psi_{0->1} = 1 exactly. At the output,
    # |eta . w| / |x . w| has mean E|u_1| / mu(x), with u uniform on the sphere
    # S^{n-1}: E|u_1| = Gamma(n/2) / (sqrt(pi) Gamma((n+1)/2)).
    n = 6
    w = np.array([1.0, -2.0, 0.5, 3.0, 1.0, 0.0])
    x = np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 2.0]])
    net = _linear_net(n, w)
    psi = noise_sensitivity(net, x, layer=0, n_draws=20000, random_state=0)
    e_u1 = np.exp(gammaln(n / 2) - gammaln((n + 1) / 2)) / np.sqrt(np.pi)
    mu = abs(x[0] @ w) / (np.linalg.norm(w) * np.linalg.norm(x))
    assert psi[0] == pytest.approx(1.0, rel=1e-12)
    assert psi[1] == pytest.approx(e_u1 / mu, rel=0.02)


def test_layers_are_the_network(digits):
    # The last layer is read affine: its output is the logits, whose softmax is
    # predict_proba, for this package's MLP and for scikit-learn's.
    X, y = digits
    ours = MLPClassifier((8,), max_iter=5, random_state=0)
    theirs = SklearnMLP((8,), activation="tanh", max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for model in (ours, theirs):
            model.fit(X[:200], y[:200])
            logits = propagate(mlp_layers(model, "test"), X[:50])[-1]
            proba = np.exp(logits - logits.max(axis=1, keepdims=True))
            proba /= proba.sum(axis=1, keepdims=True)
            np.testing.assert_allclose(proba, model.predict_proba(X[:50]), atol=1e-5)


def test_trained_network_is_more_noise_stable_than_at_initialisation(digits):
    """Noise of norm |h_i| injected at layer i of a digits MLP (64, 64),
    measured one layer up. Trained (alpha=1): 0.40, 0.38, 0.59 of it passes
    at layers 1, 2 and the logits; the same network at its Glorot
    initialisation passes 0.82, 0.91, 1.09. Median cushions, trained 0.24,
    0.27, 0.21 against 0.13, 0.12, 0.11 at initialisation (1/sqrt(64) = 0.125
    for a random matrix)."""
    X, y = digits
    mlp = MLPClassifier((64, 64), alpha=1.0, max_iter=200, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    init = copy.deepcopy(mlp)
    init.network_.initialize(
        get_initializer("glorot_uniform"), np.random.RandomState(0)
    )
    psi = {}
    for name, model in (("trained", mlp), ("init", init)):
        psi[name] = [
            noise_sensitivity(model, X[:300], layer=i, random_state=0) for i in range(3)
        ]
    for trained, at_init in zip(psi["trained"], psi["init"]):
        assert trained[0] < 0.7 * at_init[0]
    # from the first hidden layer to the logits: 0.65 against 0.94
    assert psi["trained"][1][-1] < 0.8 * psi["init"][1][-1]
    cushion = layer_cushion(mlp, X, quantile=0.5)
    assert np.all(cushion > 1.5 * layer_cushion(init, X, quantile=0.5))


def test_bad_input(digits):
    X, y = digits
    net = _linear_net(3, np.ones(3))
    with pytest.raises(TypeError, match="fitted multi-layer perceptron"):
        noise_sensitivity(LogisticRegression().fit(X[:100], y[:100]), X, 0)
    with pytest.raises(NotFittedError):
        layer_cushion(MLPClassifier(), X)
    with pytest.raises(
        ValueError, match=r"last hidden layer\) must be an integer in \[0, 1\]"
    ):
        noise_sensitivity(net, np.ones((2, 3)), layer=2)
    with pytest.raises(ValueError, match="n_draws must be an integer >= 1"):
        noise_sensitivity(net, np.ones((2, 3)), layer=0, n_draws=0)
    with pytest.raises(ValueError, match="X has 4 features.*takes 3"):
        layer_cushion(net, np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"quantile must be a number in \[0, 1\]"):
        layer_cushion(net, np.ones((2, 3)), quantile=1.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        maxout = MLPClassifier((4,), activation="maxout", max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="elementwise activation"):
        layer_cushion(maxout, X)
