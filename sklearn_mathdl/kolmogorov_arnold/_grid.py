r"""Grid ranges, grid updates and grid extension (Liu et al. 2024, §2.5).

Each layer input :math:`p` has a grid range :math:`[m_p - r_p, m_p + r_p]`
(the centre :math:`m_p` and half-width :math:`r_p` of
:class:`~sklearn_mathdl.kolmogorov_arnold._kan_network.KANNetwork`). A
hidden layer's inputs move while training, so its grid follows them
(*grid update*); a finer grid adds resolution (*grid extension*). Both
replace the grid of every edge and fit the new spline coefficients by least
squares, so that the edge functions are unchanged on the samples: with
:math:`\phi^{\text{old}}_{p,q}(x^{(i)}_p)` the old edge values and
:math:`B^{\text{new}}` the new basis at the new normalised inputs
:math:`u^{\text{new}}_{ip}`,

.. math::

    c^{\text{new}}_{p,\cdot,q} = \arg\min_c \sum_i \Big(
        \phi^{\text{old}}_{p,q}(x^{(i)}_p) - w^b_{p,q}\, b(u^{\text{new}}_{ip})
        - \sum_j c_j B^{\text{new}}_j(u^{\text{new}}_{ip}) \Big)^2 ,

with the spline scale :math:`w^s_{p,q}` set to 1 (the scale is absorbed into
the coefficients). Extension by itself keeps the range, so the base part
cancels and this is the paper's least-squares refinement of a coarse spline
by a fine one (its eq. 2.17).
"""

import numpy as np

from sklearn_mathdl.kolmogorov_arnold._bspline import bspline_basis

#: Grid ranges found from data are widened by this fraction on each side.
MARGIN = 0.05
#: At most this many samples (evenly spaced rows) fit the new coefficients.
MAX_REGRID_SAMPLES = 2000


def data_range(A, sample_weight=None, margin=MARGIN):
    """Centres and half-widths of the columns' ranges, widened by ``margin``.

    Rows of zero weight do not count. Computed as ``hi/2 - lo/2`` so that
    values near the float64 limit do not overflow; a constant column gets
    half-width 1.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_columns)
    sample_weight : ndarray of shape (n_samples,) or None, default=None
    margin : float, default=MARGIN

    Returns
    -------
    centers, half_widths : ndarray of shape (n_columns,)
    """
    if sample_weight is not None:
        A = A[sample_weight > 0]
    lo, hi = A.min(axis=0), A.max(axis=0)
    return range_of(lo, hi, margin)


def range_of(lo, hi, margin=0.0):
    """Centre and half-width of :math:`[lo, hi]`, widened by ``margin`` per side."""
    center = lo / 2 + hi / 2
    half = (hi / 2 - lo / 2) * (1.0 + margin)
    half = np.minimum(half, np.finfo(float).max)
    return center, np.where(half > 0, half, 1.0)


def layer_inputs(network, X):
    """The input of every layer on ``X``: ``[X, A_1, ..., A_{L-1}]``."""
    inputs, A = [], np.asarray(X, dtype=float)
    for layer in range(network.n_layers):
        inputs.append(A)
        u, _ = network.normalized(layer, A)
        b = network._base(layer, u, None)
        basis = bspline_basis(u, network.n_intervals, network.degree)
        A = (
            b @ network.base_weights[layer]
            + basis.reshape(A.shape[0], -1) @ network.spline_matrix(layer)
            + network.biases[layer]
        )
    return inputs


def regrid(network, X, n_intervals=None, layers=(), sample_weight=None):
    """Give the network ``n_intervals`` per grid and re-range ``layers``.

    ``layers`` lists the layers whose grid ranges are set to the range of
    their inputs on ``X`` (grid update); every layer gets ``n_intervals``
    (grid extension; None keeps the current number). The edge functions are
    refitted by least squares on (a subsample of) ``X``.

    Parameters
    ----------
    network : KANNetwork
        Changed in place (its ``params`` vector is replaced).
    X : ndarray of shape (n_samples, n_inputs)
    n_intervals : int or None, default=None
    layers : iterable of int, default=()
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Weights of the least-squares fit (zero: the sample does not count).
    """
    X = np.asarray(X, dtype=float)
    weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    X, weights = X[weights > 0], weights[weights > 0]
    step = max(1, X.shape[0] // MAX_REGRID_SAMPLES)
    X, root_weights = X[::step], np.sqrt(weights[::step] / weights.max())
    inputs = layer_inputs(network, X)
    old_values = []
    for layer, A in enumerate(inputs):
        u, _ = network.normalized(layer, A)
        b = network._base(layer, u, None)
        basis = bspline_basis(u, network.n_intervals, network.degree)
        old_values.append(network.edge_values(layer, u, b, basis)[0])
    for layer in layers:
        network.centers[layer], network.half_widths[layer] = data_range(inputs[layer])
    kept = [w.copy() for w in network.base_weights], [b.copy() for b in network.biases]
    network.resize(network.n_intervals if n_intervals is None else n_intervals)
    for layer, (A, values) in enumerate(zip(inputs, old_values)):
        network.base_weights[layer][...] = kept[0][layer]
        network.biases[layer][...] = kept[1][layer]
        network.spline_scales[layer][...] = 1.0
        _fit_coefficients(network, layer, A, values, root_weights)


def _fit_coefficients(network, layer, A, values, root_weights):
    """Weighted least-squares spline coefficients reproducing the edge ``values``."""
    u, _ = network.normalized(layer, A)
    b = network._base(layer, u, None)
    basis = bspline_basis(u, network.n_intervals, network.degree)
    target = values - b[:, :, None] * network.base_weights[layer]
    basis, target = (
        basis * root_weights[:, None, None],
        target * root_weights[:, None, None],
    )
    for p in range(A.shape[1]):
        solution = np.linalg.lstsq(basis[:, p, :], target[:, p, :], rcond=None)[0]
        network.coefs[layer][p] = solution
