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
    """Base class: zero biases, weights from :meth:`weights`.

    A subclass defines :meth:`weights`, the law of the weight matrix of a
    layer; :meth:`initialize` casts it and adds zero biases.

    See Also
    --------
    GlorotUniform : Glorot & Bengio's uniform initialization.
    HeNormal : He et al.'s normal initialization, for ReLU units.
    sklearn_mathdl.plugins.register_initializer : Register an initializer by name.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.initializers import Initializer
    >>> class Ones(Initializer):
    ...     def weights(self, fan_in, fan_out, random_state):
    ...         return np.ones((fan_in, fan_out))
    >>> W, b = Ones().initialize(2, 3, np.random.RandomState(0), np.float32)
    >>> W.tolist(), b.tolist()
    ([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [0.0, 0.0, 0.0])
    """

    def weights(self, fan_in, fan_out, random_state):
        """Draw the weight matrix of a layer.

        Parameters
        ----------
        fan_in : int
            Number :math:`n_{in}` of inputs of the layer.
        fan_out : int
            Number :math:`n_{out}` of outputs of the layer.
        random_state : numpy.random.RandomState
            Source of randomness.

        Returns
        -------
        W : ndarray of shape (fan_in, fan_out)
            The weights, of any floating dtype.
        """
        raise NotImplementedError

    def initialize(self, fan_in, fan_out, random_state, dtype):
        """Return the initial weights and biases of a layer.

        Parameters
        ----------
        fan_in : int
            Number :math:`n_{in}` of inputs of the layer.
        fan_out : int
            Number :math:`n_{out}` of outputs of the layer.
        random_state : numpy.random.RandomState
            Source of randomness.
        dtype : numpy.dtype
            Floating dtype of the returned arrays.

        Returns
        -------
        W : ndarray of shape (fan_in, fan_out)
            The weights, drawn by :meth:`weights`.
        b : ndarray of shape (fan_out,)
            The biases: zero in the base class.
        """
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

    See Also
    --------
    GlorotNormal : Normal law of the same variance for ``factor=6``.
    HeUniform : Uniform law scaled by the fan-in only, for ReLU units.

    References
    ----------
    .. [1] X. Glorot and Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.initializers import GlorotUniform
    >>> rng = np.random.RandomState(0)
    >>> W, b = GlorotUniform().initialize(4, 2, rng, np.float32)
    >>> W.shape, b.shape, W.dtype
    ((4, 2), (2,), dtype('float32'))
    >>> bool(np.abs(W).max() <= 1.0)
    True
    """

    def __init__(self, factor=6.0):
        self.factor = factor

    def weights(self, fan_in, fan_out, random_state):
        r"""Draw :math:`W \sim U(-r, r)`, :math:`r = \sqrt{c / (n_{in} + n_{out})}`.

        Parameters
        ----------
        fan_in : int
            Number :math:`n_{in}` of inputs of the layer.
        fan_out : int
            Number :math:`n_{out}` of outputs of the layer.
        random_state : numpy.random.RandomState
            Source of randomness.

        Returns
        -------
        W : ndarray of shape (fan_in, fan_out)
            The weights.
        """
        return self._uniform(fan_in, fan_out, (fan_in, fan_out), random_state)

    def initialize(self, fan_in, fan_out, random_state, dtype):
        """Return the initial weights and biases, both uniform.

        Parameters
        ----------
        fan_in : int
            Number :math:`n_{in}` of inputs of the layer.
        fan_out : int
            Number :math:`n_{out}` of outputs of the layer.
        random_state : numpy.random.RandomState
            Source of randomness.
        dtype : numpy.dtype
            Floating dtype of the returned arrays.

        Returns
        -------
        W : ndarray of shape (fan_in, fan_out)
            The weights, drawn by :meth:`weights`.
        b : ndarray of shape (fan_out,)
            The biases, drawn from the same uniform law (not zero).
        """
        W = self.weights(fan_in, fan_out, random_state).astype(dtype, copy=False)
        b = self._uniform(fan_in, fan_out, fan_out, random_state)
        return W, b.astype(dtype, copy=False)

    def _uniform(self, fan_in, fan_out, shape, random_state):
        bound = np.sqrt(self.factor / (fan_in + fan_out))
        return random_state.uniform(-bound, bound, shape)


@register_initializer("glorot_normal", "xavier_normal")
class GlorotNormal(Initializer):
    r""":math:`W \sim N(0, 2 / (n_{in} + n_{out}))`.

    Glorot & Bengio's variance, which keeps the variance of activations and
    of back-propagated gradients roughly constant across layers; zero biases.

    See Also
    --------
    GlorotUniform : Uniform law of the same variance.
    HeNormal : Variance :math:`2 / n_{in}`, for ReLU units.

    References
    ----------
    .. [1] X. Glorot and Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.initializers import GlorotNormal
    >>> W, b = GlorotNormal().initialize(3, 5, np.random.RandomState(0), np.float64)
    >>> W.shape, b.tolist()
    ((3, 5), [0.0, 0.0, 0.0, 0.0, 0.0])
    """

    def weights(self, fan_in, fan_out, random_state):
        return random_state.normal(
            0, np.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out)
        )


@register_initializer("he_normal", "kaiming_normal")
class HeNormal(Initializer):
    r""":math:`W \sim N(0, 2 / n_{in})`, for ReLU-like units.

    The factor 2 compensates for the ReLU zeroing half of its inputs, so
    second moments are preserved with depth; zero biases.

    See Also
    --------
    HeUniform : Uniform law of the same variance.
    LeCunNormal : Variance :math:`1 / n_{in}`.

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Delving Deep into Rectifiers:
       Surpassing Human-Level Performance on ImageNet Classification",
       ICCV 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.initializers import HeNormal
    >>> W, b = HeNormal().initialize(3, 5, np.random.RandomState(0), np.float32)
    >>> W.shape, W.dtype, b.shape
    ((3, 5), dtype('float32'), (5,))
    """

    def weights(self, fan_in, fan_out, random_state):
        return random_state.normal(0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))


@register_initializer("he_uniform", "kaiming_uniform")
class HeUniform(Initializer):
    r""":math:`W \sim U(-r, r)`, :math:`r = \sqrt{6 / n_{in}}`.

    The uniform law of variance :math:`r^2 / 3 = 2 / n_{in}`, as
    :class:`HeNormal`; zero biases.

    See Also
    --------
    HeNormal : Normal law of the same variance.
    GlorotUniform : Uniform law scaled by fan-in and fan-out.

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Delving Deep into Rectifiers:
       Surpassing Human-Level Performance on ImageNet Classification",
       ICCV 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.initializers import HeUniform
    >>> W, b = HeUniform().initialize(6, 2, np.random.RandomState(0), np.float64)
    >>> W.shape, bool(np.abs(W).max() <= 1.0)
    ((6, 2), True)
    """

    def weights(self, fan_in, fan_out, random_state):
        bound = np.sqrt(6.0 / fan_in)
        return random_state.uniform(-bound, bound, (fan_in, fan_out))


@register_initializer("lecun_normal")
class LeCunNormal(Initializer):
    r""":math:`W \sim N(0, 1 / n_{in})`, for SELU/tanh-like units.

    Preserves the variance of the pre-activations for units that are
    roughly linear near zero; zero biases.

    See Also
    --------
    HeNormal : Variance :math:`2 / n_{in}`, for ReLU units.
    GlorotNormal : Variance :math:`2 / (n_{in} + n_{out})`.

    References
    ----------
    .. [1] Y. LeCun, L. Bottou, G. B. Orr and K.-R. Müller, "Efficient
       BackProp", in Neural Networks: Tricks of the Trade, Springer, 1998.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.initializers import LeCunNormal
    >>> W, b = LeCunNormal().initialize(3, 5, np.random.RandomState(0), np.float32)
    >>> W.shape, W.dtype
    ((3, 5), dtype('float32'))
    """

    def weights(self, fan_in, fan_out, random_state):
        return random_state.normal(0, np.sqrt(1.0 / fan_in), (fan_in, fan_out))
