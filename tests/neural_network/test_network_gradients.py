"""Backpropagation through the dense core equals central finite differences.

The seed's exercise: backprop must derive the error on every neuron correctly.
With a single sample, :math:`\\partial L / \\partial b_l = \\delta_l`, the error
on each neuron of layer l, so the one-sample check verifies every neuron's
error, and the batch check every weight.
"""

import numpy as np
import pytest

from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.neural_network._network import DenseNetwork
from sklearn_mathdl.neural_network.activations import Sigmoid, vector_jacobian_product
from sklearn_mathdl.plugins import (
    available_activations,
    available_losses,
    get_activation,
    get_initializer,
    get_loss,
)
from sklearn_mathdl.utils import check_activation
from sklearn_mathdl.utils._plugin_checks import _numerical_gradient


def network_gradient_error(activations, loss, n_samples, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3))
    Y = np.eye(3)[rng.integers(3, size=n_samples)]
    weights = rng.uniform(0.5, 2, size=n_samples)
    net = DenseNetwork([3, 4, 3, 3], activations, dtype=np.float64)
    net.initialize(get_initializer("glorot_normal"), np.random.RandomState(seed))
    net.params += 0.1 * rng.normal(size=net.params.shape)

    output = net.forward(X, keep=True)
    analytic = net.backward(loss.gradient(Y, output, sample_weight=weights)).copy()

    def objective(theta):
        net.params[...] = theta
        return loss.value(Y, net.forward(X), sample_weight=weights)

    numeric = _numerical_gradient(objective, net.params.copy())
    scale = max(1.0, np.abs(numeric).max())
    return np.abs(analytic - numeric).max() / scale


PAIRS = [(a, lo) for a in available_activations() for lo in available_losses()]


@pytest.mark.parametrize("activation, loss", PAIRS)
def test_backprop_matches_finite_differences(activation, loss):
    acts = [get_activation(activation), get_activation(activation)]
    error = network_gradient_error(
        [*acts, get_activation("identity")], get_loss(loss), n_samples=5
    )
    assert error < 1e-5, f"{activation} x {loss}: relative gradient error {error:.2e}"


@pytest.mark.parametrize("activation", available_activations())
def test_error_on_every_neuron_single_sample(activation):
    acts = [get_activation(activation), get_activation("tanh")]
    error = network_gradient_error(
        [*acts, get_activation("softmax")], get_loss("l2"), n_samples=1, seed=3
    )
    assert error < 1e-5


def test_backprop_detects_a_wrong_jacobian():
    """The gradient test itself can fail: a wrong activation Jacobian is caught."""

    class HalfTanh(type(get_activation("tanh"))):
        def derivative(self, z):
            return 0.5 * super().derivative(z)

    error = network_gradient_error(
        [HalfTanh(), HalfTanh(), get_activation("identity")],
        get_loss("log"),
        n_samples=5,
    )
    assert error > 1e-3


@pytest.mark.parametrize("loss", ["cauchy_schwarz", "log"])
@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
def test_estimator_objective_gradient(target, loss):
    """The estimator's penalised, weighted objective, through its target heads
    (two-class groups for cauchy_schwarz, logistic outputs for log)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 4))
    if target == "binary":
        y = rng.integers(2, size=12)
    elif target == "multiclass":
        y = rng.integers(4, size=12)
    else:
        y = rng.integers(2, size=(12, 3))
    sw = rng.uniform(0.5, 2, size=12)
    clf = MLPClassifier(
        (5, 4),
        activation=["elu", "maxout"],
        loss=loss,
        alpha=0.3,
        dtype="float64",
        max_iter=1,
        random_state=0,
    )
    clf.partial_fit(X, y, classes=None if target == "multilabel" else np.unique(y))
    Y, applied = clf._encode_targets(
        y, classes=None, reset=False, loss=clf.loss_function_
    )
    assert type(applied) is type(clf.loss_function_)
    labels = {"binary": 1, "multiclass": clf.classes_.size, "multilabel": 3}[target]
    per_label = 2 if loss != "log" and target != "multiclass" else 1
    assert clf.n_outputs_ == labels * per_label
    net, penalised_loss = clf.network_, clf._objective()
    penalised_loss(net, X, Y, sw)
    analytic = net.grad.copy()

    def objective(theta):
        net.params[...] = theta
        return penalised_loss(net, X, Y, sw)

    numeric = _numerical_gradient(objective, net.params.copy())
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_fused_log_loss_equals_the_generic_softmax_path():
    """LogLoss's fused per_sample is the table's formula, soft targets included."""
    from sklearn_mathdl.neural_network.losses import LogLoss, SoftmaxLoss

    rng = np.random.default_rng(0)
    o = rng.normal(scale=30, size=(7, 4))
    y = rng.dirichlet(np.ones(4), size=7) * rng.uniform(0.5, 2, size=(7, 1))
    fused = LogLoss().per_sample(y, o)
    generic = SoftmaxLoss.per_sample(LogLoss(), y, o)
    for a, b in zip(fused, generic):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_a_subclass_redefining_backward_is_used_on_scratch_deltas():
    """The in-place fast path never bypasses a plugin's own backward."""
    relu = type(get_activation("relu"))

    class HalfReLU(relu):
        def backward(self, z, grad_output):
            return 0.5 * super().backward(z, grad_output)

    def grads(act):
        rng = np.random.default_rng(1)
        net = DenseNetwork([3, 5, 4, 2], [act, act, get_activation("identity")])
        net.initialize(get_initializer("glorot_normal"), np.random.RandomState(0))
        net.forward(rng.normal(size=(6, 3)), keep=True)
        return net.backward(rng.normal(size=(6, 2))).copy()

    plain, half = grads(relu()), grads(HalfReLU())
    n_w2 = 5 * 4
    # Layer 2's weight gradient sees one halving, layer 1's two.
    np.testing.assert_allclose(half[15 : 15 + n_w2], 0.5 * plain[15 : 15 + n_w2])
    np.testing.assert_allclose(half[:15], 0.25 * plain[:15])


def test_check_activation_checks_the_path_given_the_output():
    """The hidden-layer path (backward given the forward output) is checked
    too: a wrong derivative-from-output fails, though backward(z, g) is right."""

    class WrongFromOutput(Sigmoid):
        def derivative(self, z, output=None):
            if output is None:
                return super().derivative(z)
            return output  # forgot the factor (1 - sigma)

    check_activation("sigmoid")
    with pytest.raises(AssertionError, match=r"\(given its output\)"):
        check_activation(WrongFromOutput())


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "softmax", "elu"])
def test_hidden_layers_receive_their_output_and_match_the_read_only_path(name):
    """Passing the forward output (scratch) gives the same gradient as the
    read-only backward(z, g), to rounding."""
    rng = np.random.default_rng(0)
    act = get_activation(name)
    z = rng.normal(size=(5, 4))
    g = rng.normal(size=(5, 4))
    read_only = act.backward(z, g.copy())
    given = vector_jacobian_product(act, z, g.copy(), act.forward(z).copy())
    np.testing.assert_allclose(given, read_only, rtol=1e-12, atol=1e-15)
