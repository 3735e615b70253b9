r"""The Kolmogorov–Arnold network: forward pass, backward pass, parameter packing.

Layer :math:`l` maps :math:`x \in \mathbb{R}^{d_l}` to
:math:`y \in \mathbb{R}^{d_{l+1}}` by a learnable univariate function on
every edge (Liu et al. 2024, eq. 2.10),

.. math::

    y_q = \beta_q + \sum_{p=1}^{d_l} \phi_{p,q}(x_p), \qquad
    \phi_{p,q}(x) = w^b_{p,q}\, b(u_p) + w^s_{p,q} \sum_{j} c_{p,j,q} B_j(u_p),
    \qquad u_p = \operatorname{clip}\Big(\frac{x - m_p}{r_p}, -1, 1\Big),

with :math:`b` the base function (a plugin, SiLU by default), :math:`B_j`
the B-splines of :mod:`~sklearn_mathdl.kolmogorov_arnold._bspline` on the
grid of :math:`[-1, 1]`, and :math:`[m_p - r_p, m_p + r_p]` the *grid range*
of input :math:`p`. Outside its grid range an edge function keeps its value
at the nearest end, so a network's output is bounded on every input.

Given :math:`\delta = \partial L/\partial y` (and, with the sparsity
penalties, :math:`E_{i,p,q} = \partial R/\partial\phi_{p,q}(x_p^{(i)})`),
the chain rule gives, summing over samples :math:`i`,

.. math::

    \frac{\partial L}{\partial c_{p,j,q}} = w^s_{p,q} \sum_i B_j(u_{ip})\,
        \delta_{iq}, \quad
    \frac{\partial L}{\partial w^s_{p,q}} = \sum_i s_{ipq}\, \delta_{iq}, \quad
    \frac{\partial L}{\partial w^b_{p,q}} = \sum_i b(u_{ip})\, \delta_{iq}, \quad
    \frac{\partial L}{\partial \beta_q} = \sum_i \delta_{iq},

    \frac{\partial L}{\partial x_{ip}} = \frac{\mathbb{1}[|u_{ip}| \le 1]}{r_p}
        \sum_q \delta_{iq} \Big(w^b_{p,q}\, b'(u_{ip})
        + w^s_{p,q} \sum_j c_{p,j,q} B_j'(u_{ip})\Big),

with :math:`s_{ipq} = \sum_j c_{p,j,q} B_j(u_{ip})` (and :math:`\delta_{iq}`
replaced by :math:`\delta_{iq} + E_{i,p,q}` for the penalties). The spline
part is computed as matrix products: the basis values of a layer, of shape
``(n, d_l, G + k)``, are one matrix ``(n, d_l (G + k))`` multiplying the
coefficients scaled by :math:`w^s`. All spline coefficients, base weights and
spline scales (the *weights*), then all biases, are views into the one vector
``params``, and their gradients into ``grad``, the layout of
:class:`~sklearn_mathdl.neural_network.DenseNetwork`, so the package's one
trainer, its optimizers and its fault tracer train this network as they do
the MLPs.
"""

import numpy as np

from sklearn_mathdl.kolmogorov_arnold._bspline import bspline_basis
from sklearn_mathdl.kolmogorov_arnold._sparsity import sparsity_penalty
from sklearn_mathdl.neural_network.activations import vector_jacobian_product

_VIEWS = ("coefs", "base_weights", "spline_scales", "biases", "_grads")


class KANNetwork:
    """A stack of Kolmogorov–Arnold layers with packed parameters.

    Layer :math:`l` computes :math:`y_q = \\beta_q + \\sum_p \\phi_{p,q}(x_p)`
    with B-spline edge functions plus a base function. Spline coefficients,
    base weights and spline scales of every layer, then every bias vector,
    are views into the one vector ``params``, and their gradients into
    ``grad``: the interface of
    :class:`~sklearn_mathdl.neural_network.DenseNetwork`, which the package's
    trainer drives.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_inputs, width_1, ..., n_outputs]``.
    base_function : activation plugin
        :math:`b`, applied to every (normalised) layer input.
    n_intervals : int
        :math:`G`, grid intervals of every edge's spline.
    degree : int
        :math:`k`, the spline degree.

    See Also
    --------
    sklearn_mathdl.KolmogorovArnoldRegressor : The estimator trained on it.
    sklearn_mathdl.neural_network.DenseNetwork : The dense network of the
        same interface.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.kolmogorov_arnold import KANNetwork
    >>> from sklearn_mathdl.plugins import get_activation
    >>> net = KANNetwork([2, 3, 1], get_activation("silu"), 5, 3)
    >>> net.params.shape  # (2*3 + 3*1) edges * (5 + 3 + 2), then 3 + 1 biases
    (94,)
    >>> net.initialize(np.random.RandomState(0))
    >>> net.forward(np.zeros((4, 2)), keep=True).shape
    (4, 1)
    >>> net.backward(np.ones((4, 1))).shape
    (94,)
    """

    def __init__(self, layer_sizes, base_function, n_intervals, degree):
        self.layer_sizes = [int(s) for s in layer_sizes]
        self.base_function = base_function
        self.n_intervals, self.degree = int(n_intervals), int(degree)
        self.centers = [np.zeros(d) for d in self.layer_sizes[:-1]]
        self.half_widths = [np.ones(d) for d in self.layer_sizes[:-1]]
        self.params = np.zeros(self._n_params())
        self.grad = np.zeros_like(self.params)
        self.penalties = None  # (l1, entropy, omega), armed for one evaluation
        self.penalty_value = 0.0
        self._make_views()

    # ------------------------------------------------------------ packing
    @property
    def n_basis(self):
        """:math:`G + k`, the B-splines per edge."""
        return self.n_intervals + self.degree

    @property
    def n_layers(self):
        """The number of Kolmogorov–Arnold layers."""
        return len(self.layer_sizes) - 1

    @property
    def activation_widths(self):
        """Columns of each layer's base-function output: its input width."""
        return self.layer_sizes[:-1]

    def _layer_shapes(self):
        for d_in, d_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            yield (d_in, self.n_basis, d_out), (d_in, d_out), (d_in, d_out)

    def _n_weights(self):
        return sum(int(np.prod(s)) for shapes in self._layer_shapes() for s in shapes)

    def _n_params(self):
        return self._n_weights() + sum(self.layer_sizes[1:])

    def _unpack(self, flat):
        """Views: per layer coefficients, base weights, spline scales; then biases."""
        views, start = {"coefs": [], "base_weights": [], "spline_scales": []}, 0
        for shapes in self._layer_shapes():
            for name, shape in zip(views, shapes):
                stop = start + int(np.prod(shape))
                views[name].append(flat[start:stop].reshape(shape))
                start = stop
        views["biases"] = []
        for d_out in self.layer_sizes[1:]:
            views["biases"].append(flat[start : start + d_out])
            start += d_out
        return views

    def _make_views(self):
        for name, views in self._unpack(self.params).items():
            setattr(self, name, views)
        self._grads = self._unpack(self.grad)

    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k not in _VIEWS}
        state.pop("_cache", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._make_views()

    def resize(self, n_intervals):
        """Set :math:`G`; the parameters become zeros of the new layout.

        Parameters
        ----------
        n_intervals : int
            The new :math:`G`.
        """
        self.n_intervals = int(n_intervals)
        self.params = np.zeros(self._n_params())
        self.grad = np.zeros_like(self.params)
        self._make_views()

    def initialize(self, random_state, noise=0.1):
        """Draw pykan's start: :math:`\\phi \\approx w^b b` plus small spline noise.

        :math:`w^b \\sim U(-1, 1)/\\sqrt{d_l}`, :math:`w^s = 1/\\sqrt{d_l}`,
        :math:`c \\sim U(-\\tfrac{\\text{noise}}{2}, \\tfrac{\\text{noise}}{2})`,
        biases zero.

        Parameters
        ----------
        random_state : numpy.random.RandomState
            The random number generator.
        noise : float, default=0.1
            Width of the spline coefficients' uniform distribution.
        """
        for c, wb, ws in zip(self.coefs, self.base_weights, self.spline_scales):
            scale = 1.0 / np.sqrt(wb.shape[0])
            wb[...] = random_state.uniform(-scale, scale, wb.shape)
            ws[...] = scale
            c[...] = random_state.uniform(-noise / 2, noise / 2, c.shape)

    # ------------------------------------------------------- evaluation
    def normalized(self, layer, A):
        """Map a layer's inputs onto its grid: :math:`u = \\operatorname{clip}((x - m)/r, -1, 1)`.

        Parameters
        ----------
        layer : int
            The layer whose grid ranges apply.
        A : ndarray of shape (n_samples, d_l)
            The layer's inputs.

        Returns
        -------
        u : ndarray of shape (n_samples, d_l)
            The normalised, clipped inputs.
        inside : ndarray of bool of shape (n_samples, d_l)
            Where no clipping took place (the derivative of the clip).
        """
        with np.errstate(over="ignore"):
            u = (A - self.centers[layer]) / self.half_widths[layer]
        inside = np.abs(u) <= 1.0
        return np.clip(u, -1.0, 1.0), inside

    def spline_matrix(self, layer):
        """Return the coefficients times the spline scales, as one matrix.

        Parameters
        ----------
        layer : int
            The layer.

        Returns
        -------
        matrix : ndarray of shape (d_l * (G + k), d_{l+1})
            :math:`w^s_{p,q} c_{p,j,q}` at row :math:`p (G + k) + j`.
        """
        c, ws = self.coefs[layer], self.spline_scales[layer]
        return (c * ws[:, None, :]).reshape(-1, c.shape[2])

    def _base(self, layer, u, calls):
        act = self.base_function
        b = act.forward(u) if calls is None else calls.forward(layer, act, u)
        return np.asarray(b, dtype=float)

    def edge_values(self, layer, u, b, basis):
        """Return the edge values :math:`\\phi_{p,q}(x_{ip})` and their spline parts.

        Parameters
        ----------
        layer : int
            The layer.
        u : ndarray of shape (n_samples, d_l)
            Normalised inputs (:meth:`normalized`).
        b : ndarray of shape (n_samples, d_l)
            The base function at ``u``.
        basis : ndarray of shape (n_samples, d_l, G + k)
            The B-splines at ``u``.

        Returns
        -------
        values : ndarray of shape (n_samples, d_l, d_{l+1})
            :math:`\\phi_{p,q}(x_{ip})`.
        spline : ndarray of shape (n_samples, d_l, d_{l+1})
            :math:`s_{ipq} = \\sum_j c_{p,j,q} B_j(u_{ip})`.
        """
        spline = np.einsum("ipj,pjq->ipq", basis, self.coefs[layer])
        values = (
            b[:, :, None] * self.base_weights[layer]
            + spline * self.spline_scales[layer]
        )
        return values, spline

    def forward(self, X, keep=False, calls=None):
        """Return the output; with ``keep=True`` cache what :meth:`backward` needs.

        With ``keep=True`` and armed :attr:`penalties`, the sparsity penalty
        of the batch is computed too (:attr:`penalty_value`, and its
        derivative with respect to the edge values, for :meth:`backward`).
        ``calls``, if given, makes each base-function call instead (its
        ``forward(layer, activation, u)``), so the fault tracer checks it.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_inputs)
            The network input.
        keep : bool, default=False
            Cache what :meth:`backward` needs (basis values and derivatives).
        calls : object, default=None
            If given, its ``forward(layer, activation, u)`` is called instead
            of each base function's ``forward(u)``.

        Returns
        -------
        output : ndarray of shape (n_samples, n_outputs)
            The network output.
        """
        A, cache = np.asarray(X, dtype=float), []
        self.penalty_value = 0.0
        for layer in range(self.n_layers):
            u, inside = self.normalized(layer, A)
            b = self._base(layer, u, calls)
            basis = bspline_basis(u, self.n_intervals, self.degree, derivative=keep)
            basis, slope = basis if keep else (basis, None)
            n = u.shape[0]
            out = b @ self.base_weights[layer]
            out += basis.reshape(n, -1) @ self.spline_matrix(layer)
            out += self.biases[layer]
            if keep:
                cache.append(self._layer_cache(layer, u, inside, b, basis, slope))
            A = out
        if keep:
            self._cache = cache
        return A

    def _layer_cache(self, layer, u, inside, b, basis, slope):
        entry = {"u": u, "inside": inside, "b": b, "basis": basis, "slope": slope}
        if self.penalties is not None:
            l1, entropy, omega = self.penalties
            values, spline = self.edge_values(layer, u, b, basis)
            value, entry["edge_grad"] = sparsity_penalty(values, omega, l1, entropy)
            entry["spline"] = spline
            self.penalty_value += value
        return entry

    def backward(self, grad_output, weight_decay=0.0, calls=None):
        """Fill ``grad`` with the gradient from :math:`\\partial L/\\partial o`.

        Uses (and releases) the cache of the last ``forward(X, keep=True)``;
        a nonzero ``weight_decay`` :math:`s` adds :math:`s\\,\\theta` to the
        gradient of every weight (not the biases). ``calls``, if given, makes
        each base function's vector–Jacobian product instead (its
        ``backward(layer, activation, u, grad_output, None)``).

        Parameters
        ----------
        grad_output : ndarray of shape (n_samples, n_outputs)
            :math:`\\partial L/\\partial o` at the last cached forward pass.
        weight_decay : float, default=0.0
            The L2 factor :math:`s`.
        calls : object, default=None
            If given, its ``backward(layer, activation, u, grad_output,
            output)`` is called instead of each base function's
            vector–Jacobian product.

        Returns
        -------
        grad : ndarray of shape (n_params,)
            ``self.grad``, in the layout of ``params``.
        """
        delta = np.asarray(grad_output, dtype=float)
        for layer in range(self.n_layers - 1, -1, -1):
            entry = self._cache[layer]
            upstream = self._layer_gradients(layer, entry, delta)
            if layer:
                delta = self._input_gradient(layer, entry, upstream, calls)
        self._cache = None
        if weight_decay:
            n_weights = self._n_weights()
            self.grad[:n_weights] += weight_decay * self.params[:n_weights]
        return self.grad

    def _layer_gradients(self, layer, entry, delta):
        """Write the layer's parameter gradients; return what the input needs."""
        c, ws, wb = (
            self.coefs[layer],
            self.spline_scales[layer],
            self.base_weights[layer],
        )
        basis, b = entry["basis"], entry["b"]
        n, d_in, n_basis = basis.shape
        per_basis = (basis.reshape(n, -1).T @ delta).reshape(c.shape)
        grad_c = per_basis * ws[:, None, :]
        grad_ws = np.einsum("pjq,pjq->pq", c, per_basis)
        grad_wb = b.T @ delta
        base_up = delta @ wb.T
        spline_up = (delta @ self.spline_matrix(layer).T).reshape(n, d_in, n_basis)
        spline_du = np.einsum("ipj,ipj->ip", entry["slope"], spline_up)
        edge_grad = entry.get("edge_grad")
        if edge_grad is not None:
            grad_c += np.einsum("ipj,ipq->pjq", basis, edge_grad) * ws[:, None, :]
            grad_ws += np.einsum("ipq,ipq->pq", entry["spline"], edge_grad)
            grad_wb += np.einsum("ip,ipq->pq", b, edge_grad)
            base_up += np.einsum("ipq,pq->ip", edge_grad, wb)
            slope_spline = np.einsum("ipj,pjq->ipq", entry["slope"], c)
            spline_du += np.einsum("ipq,pq->ip", edge_grad * slope_spline, ws)
        grads = self._grads
        grads["coefs"][layer][...] = grad_c
        grads["spline_scales"][layer][...] = grad_ws
        grads["base_weights"][layer][...] = grad_wb
        grads["biases"][layer][...] = delta.sum(axis=0)
        return base_up, spline_du

    def _input_gradient(self, layer, entry, upstream, calls):
        r""":math:`\partial L/\partial x` of the layer's input, through the clip."""
        base_up, spline_du = upstream
        act, u = self.base_function, entry["u"]
        if calls is None:
            base_du = vector_jacobian_product(act, u, base_up)
        else:
            base_du = calls.backward(layer, act, u, base_up, None)
        du = np.asarray(base_du, dtype=float) + spline_du
        return du * entry["inside"] / self.half_widths[layer]

    def release_buffers(self):
        """Free the cache of the last ``forward(keep=True)``."""
        self._cache = None

    def squared_weight_norm(self):
        """Return :math:`\\|\\theta\\|^2` of the weights (every parameter but the biases).

        Returns
        -------
        norm : float
            The squared Euclidean norm of the weights.
        """
        weights = self.params[: self._n_weights()]
        return float(np.dot(weights, weights))
