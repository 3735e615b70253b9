r"""The dense-network core: forward pass, backward pass, parameter packing.

Written once and shared by every estimator built on dense layers
(``MLPClassifier`` now; the one-hidden-layer approximator reuses it). With :math:`A_0 = X`, layer :math:`l` computes

.. math::

    Z_l = A_{l-1} W_l + b_l, \qquad A_l = \phi_l(Z_l), \qquad o = A_L .

Given :math:`\partial L / \partial o`, the chain rule read backwards is

.. math::

    \delta_L = J_{\phi_L}(Z_L)^\top \frac{\partial L}{\partial o}, \qquad
    \frac{\partial L}{\partial W_l} = A_{l-1}^\top \delta_l, \qquad
    \frac{\partial L}{\partial b_l} = \mathbb{1}^\top \delta_l, \qquad
    \delta_{l-1} = J_{\phi_{l-1}}(Z_{l-1})^\top (\delta_l W_l^\top),

where each :math:`J^\top(\cdot)` is the activation's ``backward`` (a
vector–Jacobian product), so any activation composes with any loss without
special-cased pairs. All weights and biases live in one contiguous vector
``params`` (``coefs`` and ``intercepts`` are views into it), and the gradient
in one vector ``grad`` of the same layout: optimizers then update every layer
with a few in-place vector operations, and L-BFGS sees a plain vector.
"""

import numpy as np
import scipy.sparse as sp


class DenseNetwork:
    """A stack of affine layers and activations with packed parameters.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_inputs, n_hidden_1, ..., n_outputs]``.
    activations : sequence of activation plugins
        One per affine layer (the last is the output activation). An activation
        with ``pieces = k`` (maxout) makes its layer compute ``k`` affine outputs
        per unit.
    dtype : numpy dtype
    """

    def __init__(self, layer_sizes, activations, dtype=np.float32):
        if len(activations) != len(layer_sizes) - 1:
            raise ValueError("Need one activation per affine layer.")
        self.layer_sizes = [int(s) for s in layer_sizes]
        self.activations = list(activations)
        self.dtype = np.dtype(dtype)
        self.params = np.zeros(self._n_params(), dtype=self.dtype)
        self.grad = np.zeros_like(self.params)
        self._make_views()

    def _shapes(self):
        for fan_in, units, act in zip(
            self.layer_sizes[:-1], self.layer_sizes[1:], self.activations
        ):
            fan_out = units * getattr(act, "pieces", 1)
            yield (fan_in, fan_out), (fan_out,)

    def _n_params(self):
        return self._n_weights() + sum(b[0] for _, b in self._shapes())

    def _n_weights(self):
        return sum(w[0] * w[1] for w, _ in self._shapes())

    def _unpack(self, flat):
        """Views: every weight matrix first, then every bias vector.

        Keeping the weights contiguous makes the L2 penalty and its gradient
        one vector operation each (biases are not penalised).
        """
        coefs, intercepts, start = [], [], 0
        shapes = list(self._shapes())
        for w_shape, _ in shapes:
            stop = start + w_shape[0] * w_shape[1]
            coefs.append(flat[start:stop].reshape(w_shape))
            start = stop
        for _, b_shape in shapes:
            stop = start + b_shape[0]
            intercepts.append(flat[start:stop])
            start = stop
        return coefs, intercepts

    def _make_views(self):
        self.coefs, self.intercepts = self._unpack(self.params)
        self._coef_grads, self._intercept_grads = self._unpack(self.grad)
        n_weights = self._n_weights()
        self._weights, self._weight_grads = (
            self.params[:n_weights],
            self.grad[:n_weights],
        )

    # Views do not survive pickling: store the vector, rebuild the views.
    def __getstate__(self):
        state = self.__dict__.copy()
        for key in (
            "coefs",
            "intercepts",
            "_coef_grads",
            "_intercept_grads",
            "_weights",
            "_weight_grads",
            "_inputs",
            "_pre_activations",
        ):
            state.pop(key, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._make_views()

    def initialize(self, initializer, random_state):
        """Draw every layer's weights and biases from ``initializer``."""
        for W, b in zip(self.coefs, self.intercepts):
            W[...], b[...] = initializer.initialize(*W.shape, random_state, self.dtype)

    def forward(self, X, keep=False):
        """Return the output :math:`o`; with ``keep=True`` cache what backward needs."""
        inputs, pre_activations = [], []
        A = X
        for W, b, act in zip(self.coefs, self.intercepts, self.activations):
            Z = A @ W
            Z += b
            inputs.append(A)
            pre_activations.append(Z)
            A = act.forward(Z).astype(self.dtype, copy=False)
        if keep:
            self._inputs, self._pre_activations = inputs, pre_activations
        return A

    def backward(self, grad_output):
        """Fill ``self.grad`` with :math:`\\partial L/\\partial\\theta` from :math:`\\partial L/\\partial o`.

        Uses the activations cached by the last ``forward(X, keep=True)`` and
        releases them, so that a fitted network holds no training data.
        """
        delta = grad_output.astype(self.dtype, copy=False)
        for layer in range(len(self.coefs) - 1, -1, -1):
            act = self.activations[layer]
            delta = act.backward(self._pre_activations[layer], delta)
            delta = delta.astype(self.dtype, copy=False)
            A_prev = self._inputs[layer]
            if sp.issparse(A_prev):
                self._coef_grads[layer][...] = A_prev.T @ delta
            else:
                np.dot(A_prev.T, delta, out=self._coef_grads[layer])
            delta.sum(axis=0, out=self._intercept_grads[layer])
            if layer > 0:
                delta = delta @ self.coefs[layer].T
        self._inputs = self._pre_activations = None
        return self.grad

    def squared_weight_norm(self):
        """:math:`\\sum_l \\|W_l\\|_F^2` (biases are not penalised)."""
        return float(np.dot(self._weights, self._weights))

    def add_weight_decay(self, scale):
        """Add the gradient of :math:`\\tfrac{s}{2}\\sum_l\\|W_l\\|^2`, i.e. :math:`s W_l`."""
        self._weight_grads += scale * self._weights
