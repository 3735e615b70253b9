r"""The fitted network of the shallow approximator: built, mapped, checked.

Every method stores its result once, as a one-hidden-layer
:class:`~sklearn_mathdl.neural_network._network.DenseNetwork` with layer sizes
``(d, n, m)`` and activations ``(sigma, identity)``, i.e.
``coefs[0]`` holds the :math:`w_i` as columns, ``intercepts[0]`` the
:math:`b_i`, ``coefs[1]`` the :math:`a_i` and ``intercepts[1]`` :math:`a_0`.
It is fitted in standardised units and then mapped to the data's units in
place; a network that would not predict finite values on its own training
data is refused with the cause.
"""

import numpy as np

from sklearn_mathdl.neural_network._network import DenseNetwork
from sklearn_mathdl.plugins import get_activation

# Targets above this size are the suspects when the output overflows.
_HUGE_TARGET = 1e250


def build_network(activation, W, b, A, a0):
    """The network :math:`\\sum_i a_i \\sigma(w_i\\cdot x + b_i) + a_0` (rows of W are w_i)."""
    network = DenseNetwork(
        [W.shape[1], W.shape[0], A.shape[1]],
        [activation, get_activation("identity")],
        np.float64,
    )
    network.coefs[0][...] = W.T
    network.intercepts[0][...] = b
    network.coefs[1][...] = A
    network.intercepts[1][...] = a0
    return network


def training_error(network, data):
    """Weighted squared error of ``network`` on the standardised data."""
    residual = network.forward(data.Xs) - data.Ys
    return float(data.weights @ (residual * residual).sum(axis=1))


def to_original_units(network, data):
    r"""Map the standardised network to the data's units, in place.

    :math:`w\cdot(x - \mu)/s + b = (w/s)\cdot x + (b - (w/s)\cdot\mu)` and
    :math:`a \leftarrow s_y a`, :math:`a_0 \leftarrow s_y a_0 + \mu_y`.
    """
    W = network.coefs[0]
    W /= data.x_scale[:, None]
    network.intercepts[0] -= data.x_mean @ W
    network.coefs[1] *= data.y_scale
    network.intercepts[1] *= data.y_scale
    network.intercepts[1] += data.y_mean


def check_predictions(network, data, context, hidden=None):
    """Refuse a network that does not predict finite values on its training data.

    ``hidden``, if given, is the hidden layer on the training data computed
    in standardised units: the same function, so only the output layer (which
    the change of units scales) is run again.
    """
    if np.isfinite(network.params).all():
        if hidden is None:
            output = network.forward(data.X)
        else:
            output = hidden @ network.coefs[1] + network.intercepts[1]
        if np.isfinite(output).all():
            return
    peak = float(np.max(np.abs(data.Y), initial=0.0))
    if peak > _HUGE_TARGET:
        divisor = f"1e{int(np.log10(peak)) - 2}"
        raise ValueError(
            f"The targets reach |y| = {peak:.3g}, so close to the largest float "
            f"({np.finfo(np.float64).max:.3g}) that the fitted network's output "
            f"overflows ({context}). Divide y by a constant (e.g. {divisor}) "
            "before fitting and multiply the predictions by it."
        )
    raise ValueError(
        f"The fit ({context}) produced a network whose predictions on the training "
        "data are not finite. Lower weight_scale or raise alpha."
    )


def read_only(array):
    """A view of ``array`` that cannot be written to."""
    view = array.view()
    view.flags.writeable = False
    return view
