r"""Reading a fitted Kolmogorov–Arnold network: its edge functions, their
norms, and pruning (Liu et al. 2024, §2.5.1).

An edge is negligible when its function is small on the data: its L1 norm
:math:`|\phi_{p,q}|_1 = \sum_i \omega_i |\phi_{p,q}(x_p^{(i)})|` (the
quantity the sparsity penalty drives down) is below a threshold. Pruning sets
its spline coefficients, base weight and spline scale to zero, so the edge
computes the zero function; the paper prunes nodes whose incoming and
outgoing edges are all negligible, which this does edge by edge.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_mathdl.kolmogorov_arnold._bspline import bspline_basis
from sklearn_mathdl.kolmogorov_arnold._grid import layer_inputs
from sklearn_mathdl.kolmogorov_arnold._sparsity import edge_norms


def _edge_values_at(network, layer, A):
    """:math:`\\phi_{p,q}` of every edge of ``layer`` at the layer inputs ``A``."""
    u, _ = network.normalized(layer, A)
    b = network._base(layer, u, None)
    basis = bspline_basis(u, network.n_intervals, network.degree)
    return network.edge_values(layer, u, b, basis)[0]


class EdgeReadingMixin:
    """The univariate functions of a fitted network, and pruning."""

    def _edge_norms(self, X, sample_weight=None):
        network = self.network_
        weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
        omega = weights / weights.sum()
        return [
            edge_norms(_edge_values_at(network, layer, A), omega)
            for layer, A in enumerate(layer_inputs(network, X))
        ]

    def univariate_functions(self, n_points=101):
        """Evaluate every learned edge function on a grid of its input's range.

        The functions are those of the theorem: with one hidden layer, layer 0
        holds the inner functions :math:`\\phi_{q,p}` (edge ``p -> q``) and
        layer 1 the outer functions :math:`\\Phi_q` (edge ``q -> output``).
        Each is determined up to a constant: the biases :math:`\\beta_q` of
        the layer it feeds are not included.

        Parameters
        ----------
        n_points : int, default=101
            Evaluation points per input, evenly spaced over its grid range.

        Returns
        -------
        functions : list of tuple (inputs, values)
            One per layer: ``inputs`` of shape ``(n_points, d_l)`` (column
            ``p`` spans the grid range of input ``p``) and ``values`` of shape
            ``(n_points, d_l, d_{l+1})``, ``values[i, p, q]`` being
            :math:`\\phi_{p,q}` at ``inputs[i, p]``.
        """
        check_is_fitted(self, "network_")
        network = self.network_
        t = np.linspace(-1.0, 1.0, int(n_points))[:, None]
        functions = []
        for layer in range(network.n_layers):
            centers, halves = network.centers[layer], network.half_widths[layer]
            inputs = centers + t * halves
            functions.append((inputs, _edge_values_at(network, layer, inputs)))
        return functions

    def prune(self, threshold=1e-2):
        """Remove the edges whose function is negligible on the training data.

        An edge whose norm :math:`|\\phi_{p,q}|_1` in :attr:`edge_norms_` is
        below ``threshold`` computes the zero function from now on (its
        spline coefficients, base weight and spline scale are set to zero).
        Train with ``l1_penalty`` and ``entropy_penalty`` first to make most
        edges negligible, as in the paper.

        Parameters
        ----------
        threshold : float, default=1e-2
            The paper's threshold on the edge norms.

        Returns
        -------
        self : KolmogorovArnoldRegressor
            The estimator, pruned in place.
        """
        check_is_fitted(self, "network_")
        network = self.network_
        for layer, norms in enumerate(self.edge_norms_):
            negligible = norms < threshold
            network.coefs[layer][:, :, :] *= ~negligible[:, None, :]
            network.base_weights[layer][negligible] = 0.0
            network.spline_scales[layer][negligible] = 0.0
            norms[negligible] = 0.0
        return self

    @property
    def n_edges_(self):
        """Edges whose function is not identically zero (after :meth:`prune`)."""
        check_is_fitted(self, "network_")
        return int(sum(np.count_nonzero(norms) for norms in self.edge_norms_))
