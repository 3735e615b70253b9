"""The activation plugin protocol: :class:`Activation`, :class:`ElementwiseActivation`
and the vector–Jacobian product through ``backward`` (see :mod:`~sklearn_mathdl.neural_network.activations`)."""

import numpy as np

from sklearn_mathdl.plugins._base import Plugin, call_with_optional

# A Python float, so that float32 arrays stay float32 (NEP 50).
_INV_SQRT_2PI = float(1.0 / np.sqrt(2.0 * np.pi))


def vector_jacobian_product(activation, z, grad_output, output=None):
    r"""Compute :math:`J_\phi(z)^\top g` by ``activation.backward``.

    The forward output is passed to ``backward`` only if its signature takes
    an ``output`` parameter, so plugins written without it keep working.

    Parameters
    ----------
    activation : Activation
        The activation plugin whose vector–Jacobian product is taken.
    z : ndarray of shape (n_samples, n_units * pieces)
        Pre-activations of the layer.
    grad_output : ndarray of shape (n_samples, n_units)
        Gradient :math:`g = \partial L / \partial a` of the loss with respect
        to the outputs of the activation.
    output : ndarray of shape (n_samples, n_units) or None, default=None
        :math:`\phi(z)`. Given, ``grad_output`` and ``output`` are scratch
        arrays of the caller, which the activation may overwrite.

    Returns
    -------
    grad_input : ndarray of shape (n_samples, n_units * pieces)
        Gradient :math:`\partial L / \partial z = J_\phi(z)^\top g` of the loss
        with respect to the pre-activations.

    See Also
    --------
    Activation.backward : The method called.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.activations import (
    ...     ReLU, vector_jacobian_product)
    >>> z = np.array([[-1.0, 2.0]])
    >>> vector_jacobian_product(ReLU(), z, np.array([[5.0, 5.0]])).tolist()
    [[0.0, 5.0]]
    """
    return call_with_optional(activation.backward, z, grad_output, output=output)


class Activation(Plugin):
    r"""Base class of activations.

    A subclass defines :meth:`forward`, the map :math:`a = \phi(z)`, and
    :meth:`backward`, the vector–Jacobian product used by backpropagation.
    Elementwise activations derive from :class:`ElementwiseActivation`
    instead and define the derivative :math:`\phi'` only.

    Attributes
    ----------
    pieces : int
        Number of pre-activations per output unit (1 except for maxout), so a
        layer of ``n`` units has ``n * pieces`` affine outputs.

    See Also
    --------
    ElementwiseActivation : Base class of activations applied entrywise.
    sklearn_mathdl.plugins.register_activation : Register an activation by name.
    sklearn_mathdl.utils.check_activation : Check an activation's Jacobian.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.activations import Activation
    >>> class Square(Activation):
    ...     def forward(self, z):
    ...         return z * z
    ...
    ...     def backward(self, z, grad_output, output=None):
    ...         return 2.0 * z * grad_output
    >>> z = np.array([[3.0, -1.0]])
    >>> Square().forward(z).tolist()
    [[9.0, 1.0]]
    >>> Square().backward(z, np.ones_like(z)).tolist()
    [[6.0, -2.0]]
    """

    pieces = 1

    def forward(self, z):
        """Return :math:`a = \\phi(z)`.

        Parameters
        ----------
        z : ndarray of shape (n_samples, n_units * pieces)
            Pre-activations of the layer.

        Returns
        -------
        output : ndarray of shape (n_samples, n_units)
            Activations :math:`\\phi(z)`, of the dtype of ``z``.
        """
        raise NotImplementedError

    def backward(self, z, grad_output, output=None):
        """Return the vector–Jacobian product :math:`J_\\phi(z)^\\top g`.

        ``output`` is :math:`\\phi(z)` when the caller has it (the network's
        backward pass, for hidden layers): then ``grad_output`` and ``output``
        are scratch arrays the caller no longer needs, which the activation
        may overwrite and return. With ``output=None`` (checkers, user code)
        both arguments are read-only. A plugin may omit the ``output``
        parameter: ``backward(z, grad_output)`` is called without it.

        Parameters
        ----------
        z : ndarray of shape (n_samples, n_units * pieces)
            Pre-activations of the layer.
        grad_output : ndarray of shape (n_samples, n_units)
            Gradient :math:`g = \\partial L / \\partial a` of the loss with
            respect to the outputs.
        output : ndarray of shape (n_samples, n_units) or None, default=None
            The forward output :math:`\\phi(z)`, if the caller has it.

        Returns
        -------
        grad_input : ndarray of shape (n_samples, n_units * pieces)
            Gradient :math:`\\partial L / \\partial z`, of the dtype of ``z``.
        """
        raise NotImplementedError


class ElementwiseActivation(Activation):
    r"""Activation applied to each entry of its input.

    Its Jacobian is diagonal, :math:`J_\phi(z) = \mathrm{diag}(\phi'(z))`.
    Subclasses define ``forward`` and ``derivative``; ``backward`` follows.

    See Also
    --------
    Activation : Base class of all activations.
    ReLU : Rectified linear unit, an elementwise activation.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.activations import (
    ...     ElementwiseActivation)
    >>> class Cube(ElementwiseActivation):
    ...     def forward(self, z):
    ...         return z**3
    ...
    ...     def derivative(self, z):
    ...         return 3.0 * z**2
    >>> z = np.array([[1.0, -2.0]])
    >>> Cube().backward(z, np.array([[1.0, 0.5]])).tolist()
    [[3.0, 6.0]]
    """

    def derivative(self, z):
        """Return :math:`\\phi'(z)` entrywise.

        May also take ``output`` (:math:`\\phi(z)`, a scratch array it may
        overwrite) to compute :math:`\\phi'` from it, as ``sigmoid`` and
        ``tanh`` do.

        Parameters
        ----------
        z : ndarray of shape (n_samples, n_units)
            Pre-activations of the layer.

        Returns
        -------
        derivative : ndarray of shape (n_samples, n_units)
            :math:`\\phi'(z)`, of the dtype of ``z``.
        """
        raise NotImplementedError

    def backward(self, z, grad_output, output=None):
        r"""Return :math:`g \odot \phi'(z)`.

        The product is written into ``grad_output`` when ``output`` is given
        (then ``grad_output`` is a scratch array of the caller).

        Parameters
        ----------
        z : ndarray of shape (n_samples, n_units)
            Pre-activations of the layer.
        grad_output : ndarray of shape (n_samples, n_units)
            Gradient :math:`g = \partial L / \partial a` of the loss with respect
            to the outputs.
        output : ndarray of shape (n_samples, n_units) or None, default=None
            The forward output :math:`\phi(z)`, passed on to ``derivative`` if
            it takes it.

        Returns
        -------
        grad_input : ndarray of shape (n_samples, n_units)
            Gradient :math:`\partial L / \partial z = g \odot \phi'(z)`.
        """
        derivative = call_with_optional(self.derivative, z, output=output)
        if output is None:
            return grad_output * derivative
        return np.multiply(grad_output, derivative, out=grad_output)
