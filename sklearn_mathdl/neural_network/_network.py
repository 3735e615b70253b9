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

from sklearn_mathdl.neural_network._fused import (
    add_scaled,
    bias_relu_forward,
    relu_backward,
)
from sklearn_mathdl.neural_network.activations import ReLU, vector_jacobian_product


def _fused_relu(activation, Z, dtype):
    """Whether a hidden layer runs the fused bias + ReLU kernels.

    Only the built-in ``relu`` itself (not a subclass, which may redefine it),
    on a pre-activation of the network's dtype; any other activation takes
    its plugin's ``forward`` and ``backward``.
    """
    return type(activation) is ReLU and Z.dtype == dtype


class DenseNetwork:
    """A stack of affine layers and activations with packed parameters.

    Layer :math:`l` computes :math:`A_l = \\phi_l(A_{l-1} W_l + b_l)`. All
    weights, then all biases, are views into the one vector ``params``
    (``coefs`` and ``intercepts``), and their gradients into ``grad``, of the
    same layout; :meth:`forward` and :meth:`backward` evaluate the network and
    its gradient by the chain rule.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_inputs, n_hidden_1, ..., n_outputs]``.
    activations : sequence of activation plugins
        One per affine layer (the last is the output activation). An activation
        with ``pieces = k`` (maxout) makes its layer compute ``k`` affine outputs
        per unit.
    dtype : numpy dtype, default=np.float32
        The dtype of the parameters, the gradient and the computations.

    See Also
    --------
    sklearn_mathdl.neural_network.MLPClassifier : Multi-layer perceptron
        classifier trained on this network.
    sklearn_mathdl.neural_network.MLPRegressor : Multi-layer perceptron
        regressor trained on this network.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network import DenseNetwork
    >>> from sklearn_mathdl.plugins import get_activation, get_initializer
    >>> net = DenseNetwork([3, 4, 2], [get_activation("relu"),
    ...                                get_activation("identity")])
    >>> net.params.shape  # 3*4 + 4*2 weights, then 4 + 2 biases
    (26,)
    >>> net.initialize(get_initializer("glorot_uniform"),
    ...                np.random.RandomState(0))
    >>> X = np.ones((5, 3), dtype=np.float32)
    >>> net.forward(X, keep=True).shape
    (5, 2)
    >>> net.backward(np.ones((5, 2), dtype=np.float32)).shape
    (26,)
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
    # The training workspace is scratch memory and is not pickled either.
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
            "_workspace",
            "_decay",
            "dtype",  # the parameters' dtype: a saved model holds no dtype object
        ):
            state.pop(key, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.dtype = self.params.dtype
        self._make_views()

    def initialize(self, initializer, random_state):
        """Draw every layer's weights and biases from ``initializer``.

        An initializer that returns arrays of the wrong shape, or values that
        are not finite real numbers, is named in the error.

        Parameters
        ----------
        initializer : initializer object
            Its ``initialize(fan_in, fan_out, random_state, dtype)`` returns the
            weights ``W`` of shape ``(fan_in, fan_out)`` and the biases ``b`` of
            shape ``(fan_out,)`` of one layer.
        random_state : numpy.random.RandomState
            The random number generator passed to the initializer.

        Raises
        ------
        ValueError
            If the initializer returns arrays of the wrong shape, or values
            that are not finite real numbers.
        """
        for layer, (W, b) in enumerate(zip(self.coefs, self.intercepts), start=1):
            drawn = initializer.initialize(*W.shape, random_state, self.dtype)
            for name, target, value in zip(("weights", "biases"), (W, b), drawn):
                value = np.asarray(value)
                if value.shape != target.shape or value.dtype.kind not in "fiu":
                    raise ValueError(
                        f"The initializer {initializer!r} returned {name} of shape "
                        f"{value.shape} and dtype {value.dtype} for layer {layer}; "
                        f"expected shape {target.shape} of real numbers "
                        f"(initialize(fan_in={W.shape[0]}, fan_out={W.shape[1]}, "
                        "random_state, dtype) returns W of shape (fan_in, fan_out) "
                        "and b of shape (fan_out,)). Fix the plugin."
                    )
                if not np.isfinite(value).all():
                    raise ValueError(
                        f"The initializer {initializer!r} returned non-finite "
                        f"{name} for layer {layer}. Fix the plugin."
                    )
                target[...] = value

    def _buffers(self, n_rows):
        r"""Scratch arrays for a training batch of ``n_rows``, allocated once.

        Per layer: ``Z`` (the pre-activations, written by ``matmul(out=)``) and
        ``delta`` (where the backward pass writes :math:`\delta_l W_l^\top`);
        plus a vector of ones, for the bias gradients
        :math:`\mathbb{1}^\top\delta_l` as one BLAS call. Kept for the batch
        size in use (every minibatch of an epoch, every evaluation of a
        full-batch solver: no page faults from fresh allocations) and freed by
        :meth:`release_buffers` when training ends.
        """
        ws = getattr(self, "_workspace", None)
        if ws is not None and ws["n_rows"] == n_rows:
            return ws
        fan_outs = [b.shape[0] for b in self.intercepts]
        ws = {
            "n_rows": n_rows,
            "Z": [np.empty((n_rows, f), self.dtype) for f in fan_outs],
            "delta": [
                np.empty((n_rows, s), self.dtype) for s in self.layer_sizes[1:-1]
            ],
            "ones": np.ones(n_rows, self.dtype),
        }
        self._workspace = ws
        return ws

    def release_buffers(self):
        """Free the scratch arrays of :meth:`_buffers` (end of training)."""
        self._workspace = self._decay = None

    def forward(self, X, keep=False, calls=None):
        """Return the output :math:`o`; with ``keep=True`` cache what backward needs.

        With ``keep=True`` the pre-activations are written into reused buffers,
        so the returned output is valid until the next ``forward(keep=True)``.
        ``calls``, if given, makes each activation's call instead (its
        ``forward(layer, activation, z)``): the fault tracer checks every
        output there, on this same loop.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_inputs)
            The input :math:`A_0`.
        keep : bool, default=False
            Whether to cache the layer inputs and pre-activations for
            :meth:`backward`.
        calls : object, default=None
            If given, its ``forward(layer, activation, z)`` is called instead
            of each ``activation.forward(z)``.

        Returns
        -------
        o : ndarray of shape (n_samples, n_outputs)
            The network output :math:`A_L`, of the network's dtype.
        """
        ws = self._buffers(X.shape[0]) if keep else None
        inputs, pre_activations = [], []
        last = len(self.coefs) - 1
        A = X
        for layer, (W, b, act) in enumerate(
            zip(self.coefs, self.intercepts, self.activations)
        ):
            if ws is None or sp.issparse(A):
                Z = A @ W
            else:
                Z = np.matmul(A, W, out=ws["Z"][layer])
            inputs.append(A)
            if calls is None and layer < last and _fused_relu(act, Z, self.dtype):
                A = bias_relu_forward(Z, b)  # in place: the buffer holds A
                pre_activations.append(A)  # same signs as Z: all backward needs
                continue
            Z += b
            pre_activations.append(Z)
            A = act.forward(Z) if calls is None else calls.forward(layer, act, Z)
            A = A.astype(self.dtype, copy=False)
        if keep:
            self._inputs, self._pre_activations = inputs, pre_activations
        return A

    def backward(self, grad_output, weight_decay=0.0, calls=None):
        r"""Fill ``self.grad`` with :math:`\partial L/\partial\theta` from :math:`\partial L/\partial o`.

        Uses the activations cached by the last ``forward(X, keep=True)`` and
        releases them, so that a fitted network holds no training data. A
        nonzero ``weight_decay`` :math:`s` adds :math:`s W_l` to each weight
        gradient (as :meth:`add_weight_decay`), while both are in cache.
        ``calls``, if given, makes each activation's call instead (its
        ``backward(layer, activation, z, grad_output, output)``).

        A hidden layer's activation receives its output :math:`A_l` (the next
        layer's input, no longer needed once that layer's weight gradient is
        computed) and a scratch :math:`\delta` it may overwrite; the output
        layer's receives the caller's ``grad_output``, read-only.

        Parameters
        ----------
        grad_output : ndarray of shape (n_samples, n_outputs)
            The gradient :math:`\\partial L/\\partial o` of the loss with respect
            to the output of the last ``forward(X, keep=True)``.
        weight_decay : float, default=0.0
            The L2 penalty factor :math:`s`; :math:`s W_l` is added to each
            weight gradient.
        calls : object, default=None
            If given, its ``backward(layer, activation, z, grad_output,
            output)`` is called instead of each activation's vector-Jacobian
            product.

        Returns
        -------
        grad : ndarray of shape (n_params,)
            ``self.grad``, the gradient with respect to ``params`` (same
            layout: every weight matrix, then every bias vector).
        """
        ws = self._buffers(grad_output.shape[0])
        delta = grad_output.astype(self.dtype, copy=False)
        last = len(self.coefs) - 1
        for layer in range(last, -1, -1):
            act, Z = self.activations[layer], self._pre_activations[layer]
            output = None if layer == last else self._inputs[layer + 1]
            if calls is None and layer < last and _fused_relu(act, Z, self.dtype):
                delta = relu_backward(output, delta)
            elif calls is None:
                delta = vector_jacobian_product(act, Z, delta, output)
            else:
                delta = calls.backward(layer, act, Z, delta, output)
            delta = delta.astype(self.dtype, copy=False)
            A_prev = self._inputs[layer]
            if sp.issparse(A_prev):
                self._coef_grads[layer][...] = A_prev.T @ delta
            else:
                np.matmul(A_prev.T, delta, out=self._coef_grads[layer])
            if weight_decay:
                add_scaled(self._coef_grads[layer], self.coefs[layer], weight_decay)
            # 1^T delta by BLAS: ~2x faster than delta.sum(axis=0) on C-order rows.
            np.matmul(ws["ones"], delta, out=self._intercept_grads[layer])
            if layer > 0:
                delta = np.matmul(
                    delta, self.coefs[layer].T, out=ws["delta"][layer - 1]
                )
        self._inputs = self._pre_activations = None
        return self.grad

    def squared_weight_norm(self):
        """Return :math:`\\sum_l \\|W_l\\|_F^2` (biases are not penalised).

        Returns
        -------
        norm : float
            The sum of the squared Frobenius norms of the weight matrices.
        """
        return float(np.dot(self._weights, self._weights))

    def add_weight_decay(self, scale):
        """Add the gradient of :math:`\\tfrac{s}{2}\\sum_l\\|W_l\\|^2` to ``grad``.

        That is, :math:`s W_l` is added to each weight gradient, in place.

        Parameters
        ----------
        scale : float
            The L2 penalty factor :math:`s`.
        """
        decay = getattr(self, "_decay", None)
        if decay is None:
            decay = self._decay = np.empty_like(self._weights)
        np.multiply(self._weights, scale, out=decay)
        self._weight_grads += decay
