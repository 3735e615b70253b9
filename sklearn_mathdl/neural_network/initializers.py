r"""Weight initializers: ``initialize(fan_in, fan_out, random_state, dtype)`` → (W, b).

Variance-preserving schemes choose the scale so that activations (Glorot &
Bengio 2010, :math:`\operatorname{Var} W = 2/(n_{in}+n_{out})`) or, for ReLU
units, their second moments (He et al. 2015, :math:`\operatorname{Var} W =
2/n_{in}`) neither explode nor vanish with depth.
"""

import numpy as np

from sklearn_mathdl.plugins import register_initializer
from sklearn_mathdl.plugins._base import Plugin


class Initializer(Plugin):
    """Base class: zero biases, weights from :meth:`weights`."""

    def weights(self, fan_in, fan_out, random_state):
        raise NotImplementedError

    def initialize(self, fan_in, fan_out, random_state, dtype):
        W = self.weights(fan_in, fan_out, random_state).astype(dtype, copy=False)
        return W, np.zeros(fan_out, dtype=dtype)


@register_initializer("glorot_uniform", "xavier_uniform")
class GlorotUniform(Initializer):
    r""":math:`W \sim U(-r, r)`, :math:`r = \sqrt{c / (n_{in} + n_{out})}`; biases alike.

    The biases are drawn from the same law, as scikit-learn's MLP does, which
    takes :math:`c = 2` for logistic units and :math:`c = 6` otherwise (Glorot
    & Bengio 2010); the estimators pass ``factor=2`` for ``activation="logistic"``.

    Parameters
    ----------
    factor : float, default=6.0
        The constant :math:`c`.
    """

    def __init__(self, factor=6.0):
        self.factor = factor

    def weights(self, fan_in, fan_out, random_state):
        return self._uniform(fan_in, fan_out, (fan_in, fan_out), random_state)

    def initialize(self, fan_in, fan_out, random_state, dtype):
        W = self.weights(fan_in, fan_out, random_state).astype(dtype, copy=False)
        b = self._uniform(fan_in, fan_out, fan_out, random_state)
        return W, b.astype(dtype, copy=False)

    def _uniform(self, fan_in, fan_out, shape, random_state):
        bound = np.sqrt(self.factor / (fan_in + fan_out))
        return random_state.uniform(-bound, bound, shape)


@register_initializer("glorot_normal", "xavier_normal")
class GlorotNormal(Initializer):
    r""":math:`W \sim N(0, 2 / (n_{in} + n_{out}))`."""

    def weights(self, fan_in, fan_out, random_state):
        return random_state.normal(
            0, np.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out)
        )


@register_initializer("he_normal", "kaiming_normal")
class HeNormal(Initializer):
    r""":math:`W \sim N(0, 2 / n_{in})`, for ReLU-like units."""

    def weights(self, fan_in, fan_out, random_state):
        return random_state.normal(0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))


@register_initializer("he_uniform", "kaiming_uniform")
class HeUniform(Initializer):
    r""":math:`W \sim U(-r, r)`, :math:`r = \sqrt{6 / n_{in}}`."""

    def weights(self, fan_in, fan_out, random_state):
        bound = np.sqrt(6.0 / fan_in)
        return random_state.uniform(-bound, bound, (fan_in, fan_out))


@register_initializer("lecun_normal")
class LeCunNormal(Initializer):
    r""":math:`W \sim N(0, 1 / n_{in})`, for SELU/tanh-like units."""

    def weights(self, fan_in, fan_out, random_state):
        return random_state.normal(0, np.sqrt(1.0 / fan_in), (fan_in, fan_out))
