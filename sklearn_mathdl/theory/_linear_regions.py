r"""Exact linear pieces of one-input ReLU networks, and bounds on their number.

A network of affine layers and piecewise-linear activations (ReLU, leaky ReLU,
identity) computes a continuous piecewise-linear function. For one input
:math:`x \in [\mathrm{low}, \mathrm{high}]`, :func:`linear_pieces` propagates,
layer by layer, a partition :math:`\mathrm{low} = t_0 < \dots < t_P = \mathrm{high}`
on whose intervals every pre-activation is affine, :math:`z_j(x) = s_{pj} x + c_{pj}`:

1. the affine layer maps :math:`(s, c) \mapsto (s W, c W + b)`;
2. each unit whose affine piece changes sign strictly inside an interval
   contributes the breakpoint :math:`t = -c_{pj} / s_{pj}`;
3. on each refined interval the sign of every :math:`z_j` is constant, so the
   activation multiplies :math:`(s_{pj}, c_{pj})` by 1 or by its negative slope.

Adjacent intervals whose output pieces coincide (collinear) are merged, so
the count is that of the function's maximal linear pieces, independent of how
the network represents it.

Bounds (:func:`linear_region_bounds`): a layer of :math:`n` ReLUs on
:math:`n_0` inputs cuts space by :math:`n` hyperplanes, hence at most
:math:`\sum_{j=0}^{n_0} \binom{n}{j}` regions (Zaslavsky), which one hidden layer
attains; composing layers gives the upper bound
:math:`\prod_l \sum_{j=0}^{\min(n_0, n_l)} \binom{n_l}{j}`, for one input
:math:`\prod_l (n_l + 1)`. Montúfar, Pascanu, Cho & Bengio (2014, Theorem 4)
show that :math:`L` hidden layers of width :math:`n \ge n_0` can reach

.. math::

    \Big(\prod_{l=1}^{L-1} \Big\lfloor \frac{n_l}{n_0} \Big\rfloor^{n_0}\Big)
    \sum_{j=0}^{n_0} \binom{n_L}{j}

regions, exponentially many in depth.

References
----------
G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of
deep neural networks", NeurIPS 2014.
T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear
regions of deep neural networks", ICML 2018.
"""

from math import comb, prod
from numbers import Integral, Real

import numpy as np

from sklearn_mathdl.neural_network.activations import Identity, LeakyReLU, ReLU
from sklearn_mathdl.plugins import get_activation
from sklearn_mathdl.theory._validation import check_nonnegative, check_positive_integer

_SKLEARN_ACTIVATIONS = {"relu": "relu", "identity": "identity"}


def _negative_slope(activation):
    """Slope of a piecewise-linear activation for z < 0 (1 for the identity)."""
    if type(activation) is Identity:
        return None
    if type(activation) is ReLU:
        return 0.0
    if type(activation) is LeakyReLU:
        return float(activation.slope)
    raise ValueError(
        f"count_linear_regions needs piecewise-linear activations (relu, "
        f"leaky_relu, identity); the network uses {activation!r}. Count the "
        "regions of a ReLU network instead."
    )


def _layers(model):
    """``[(W, b, activation), ...]`` of a fitted network, in float64."""
    network = getattr(model, "network_", model)
    if hasattr(network, "coefs") and hasattr(network, "activations"):
        acts = list(network.activations)
        coefs, intercepts = network.coefs, network.intercepts
    elif hasattr(model, "coefs_") and hasattr(model, "activation"):
        # scikit-learn's MLP: one hidden activation name, out_activation_.
        names = [model.activation] * (len(model.coefs_) - 1)
        names.append(getattr(model, "out_activation_", "identity"))
        for name in names:
            if name not in _SKLEARN_ACTIVATIONS:
                raise ValueError(
                    f"count_linear_regions needs piecewise-linear activations "
                    f"(relu, identity); the network uses {name!r}."
                )
        acts = [get_activation(_SKLEARN_ACTIVATIONS[n]) for n in names]
        coefs, intercepts = model.coefs_, model.intercepts_
    else:
        raise ValueError(
            f"Cannot read the layers of {type(model).__name__}: pass a fitted "
            "network of sklearn_mathdl (with network_), a DenseNetwork, or a "
            "fitted scikit-learn MLP."
        )
    if coefs[0].shape[0] != 1:
        raise ValueError(
            f"count_linear_regions counts pieces of one-input networks; this "
            f"one has {coefs[0].shape[0]} inputs. Restrict it to a line first."
        )
    return [
        (np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64), a)
        for W, b, a in zip(coefs, intercepts, acts)
    ]


def linear_pieces(model, low, high, tol=1e-9):
    r"""Find the maximal linear pieces of a one-input network on [low, high].

    A network with ReLU, leaky ReLU or identity activations is piecewise
    linear. Layer by layer, each unit's pre-activation :math:`s x + c` is
    linear on every current piece; its root :math:`-c/s`, when inside a
    piece, splits it. After the last layer, adjacent pieces with equal slope
    and intercept (to ``tol``) are merged, so the pieces are maximal.

    Parameters
    ----------
    model : fitted network
        A fitted estimator of this package with ``network_`` (ReLU, leaky ReLU
        or identity activations), a :class:`DenseNetwork`, or a fitted
        scikit-learn MLP with ``activation="relu"``.
    low, high : float
        The interval, ``low < high``.
    tol : float, default=1e-9
        Relative tolerance under which two adjacent pieces count as collinear.

    Returns
    -------
    breakpoints : ndarray of shape (n_pieces + 1,)
        :math:`t_0 = \mathrm{low} < \dots < t_P = \mathrm{high}`.
    slopes, intercepts : ndarray of shape (n_pieces, n_outputs)
        On :math:`[t_p, t_{p+1}]` the output is ``slopes[p] * x + intercepts[p]``.

    See Also
    --------
    count_linear_regions : The number of these pieces.
    linear_region_bounds : What the architecture allows.

    Examples
    --------
    >>> from sklearn_mathdl.theory import linear_pieces, telgarsky_sawtooth
    >>> t, s, c = linear_pieces(telgarsky_sawtooth(1), 0.0, 1.0)
    >>> t.tolist(), s.ravel().tolist(), c.ravel().tolist()
    ([0.0, 0.5, 1.0], [2.0, -2.0], [0.0, 2.0])
    """
    for name, value in (("low", low), ("high", high)):
        if not isinstance(value, Real) or not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}.")
    if not low < high:
        raise ValueError(f"Need low < high, got low={low}, high={high}.")
    tol = check_nonnegative(tol, "tol")
    layers = _layers(model)
    eps = 1e-12 * (high - low)
    breaks = np.array([low, high], dtype=np.float64)
    S = np.ones((1, 1))
    C = np.zeros((1, 1))
    for W, b, act in layers:
        S, C = S @ W, C @ W + b
        neg = _negative_slope(act)
        if neg is None:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            roots = np.where(S != 0, -C / S, np.nan)
        left, right = breaks[:-1, None], breaks[1:, None]
        inside = (roots > left + eps) & (roots < right - eps)
        if inside.any():
            new = np.unique(np.concatenate([breaks, roots[inside]]))
            parent = np.searchsorted(breaks, 0.5 * (new[:-1] + new[1:])) - 1
            breaks, S, C = new, S[parent], C[parent]
        mid = 0.5 * (breaks[:-1] + breaks[1:])[:, None]
        factor = np.where(S * mid + C > 0, 1.0, neg)
        S, C = S * factor, C * factor
    # Merge adjacent collinear pieces.
    scale = max(1.0, float(np.abs(S).max()), float(np.abs(C).max()))
    same = np.all(
        (np.abs(np.diff(S, axis=0)) <= tol * scale)
        & (np.abs(np.diff(C, axis=0)) <= tol * scale),
        axis=1,
    )
    keep = np.concatenate([[True], ~same])
    starts = np.flatnonzero(keep)
    return np.append(breaks[starts], breaks[-1]), S[starts], C[starts]


def count_linear_regions(model, low, high, tol=1e-9):
    """Count the maximal linear pieces of a one-input ReLU network on [low, high].

    Exact up to the floating-point tolerance ``tol`` used to merge collinear
    neighbours; see :func:`linear_pieces`, and :func:`linear_region_bounds`
    for what the architecture allows.

    Parameters
    ----------
    model : fitted network
        See :func:`linear_pieces`.
    low, high : float
        The interval, ``low < high``.
    tol : float, default=1e-9
        Relative tolerance under which two adjacent pieces count as collinear.

    Returns
    -------
    n_pieces : int
        The number of maximal linear pieces on ``[low, high]``.

    See Also
    --------
    linear_pieces : The pieces themselves.
    linear_region_bounds : Bounds on the count for an architecture.

    Examples
    --------
    >>> from sklearn_mathdl.theory import count_linear_regions, telgarsky_sawtooth
    >>> [count_linear_regions(telgarsky_sawtooth(k), 0.0, 1.0) for k in (1, 2, 3)]
    [2, 4, 8]
    """
    return len(linear_pieces(model, low, high, tol=tol)[1])


def _montufar_count(sizes, n0):
    r""":math:`\prod_{l<L} \lfloor n_l / n_0 \rfloor^{n_0} \sum_{j \le n_0} \binom{n_L}{j}`."""
    return prod((n // n0) ** n0 for n in sizes[:-1]) * sum(
        comb(sizes[-1], j) for j in range(n0 + 1)
    )


def linear_region_bounds(hidden_layer_sizes, n_inputs=1):
    r"""Lower and upper bounds on the maximal number of linear regions.

    For hidden widths :math:`n_1, \dots, n_L` on :math:`n_0` inputs:

    - lower: Montúfar et al. (2014, Theorem 4) construct, for
      :math:`k \le \min_l n_l` inputs, weights reaching
      :math:`M_k = \prod_{l<L} \lfloor n_l / k \rfloor^{k} \sum_{j \le k} \binom{n_L}{j}`
      regions. A network that reads only :math:`k \le n_0` of its inputs has
      as many regions in :math:`\mathbb{R}^{n_0}` as in :math:`\mathbb{R}^k`
      (each region is a cylinder), so

      .. math::

          \mathrm{lower} = \max_{1 \le k \le \min(n_0, n_1, \dots, n_L)} M_k
          \;\ge\; \Big(\prod_{l<L} n_l\Big)(n_L + 1) \;\ge\; 2 ;

    - upper: :math:`\prod_l \sum_{j=0}^{\min(n_0, n_l)} \binom{n_l}{j}`, no
      choice of weights exceeds it (each layer's hyperplane arrangement splits
      each region at most that many times). For one hidden layer both equal
      :math:`\sum_{j \le \min(n_0, n_1)} \binom{n_1}{j}` (:math:`n_1 + 1`
      for one input).

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int
        Widths of the hidden ReLU layers, each >= 1.
    n_inputs : int, default=1
        Input dimension :math:`n_0 \ge 1`.

    Returns
    -------
    lower, upper : int
        ``1 <= lower <= upper``.

    Raises
    ------
    ValueError
        If a width or ``n_inputs`` is not an integer >= 1.

    See Also
    --------
    count_linear_regions : The count reached by a given network.

    Examples
    --------
    >>> from sklearn_mathdl.theory import linear_region_bounds
    >>> linear_region_bounds([7])
    (8, 8)
    >>> linear_region_bounds([2, 2, 2])
    (12, 27)
    >>> linear_region_bounds([2, 2], n_inputs=3)  # widths below n_inputs
    (6, 16)
    """
    sizes = (
        [hidden_layer_sizes]
        if np.ndim(hidden_layer_sizes) == 0
        else list(hidden_layer_sizes)
    )
    if not sizes or any(
        isinstance(s, bool | np.bool_)
        or not isinstance(s, Integral | np.integer)
        or s < 1
        for s in sizes
    ):
        raise ValueError(
            f"hidden_layer_sizes must be integers >= 1, got {hidden_layer_sizes!r}."
        )
    sizes = [int(s) for s in sizes]
    n0 = check_positive_integer(n_inputs, "n_inputs")
    upper = prod(sum(comb(n, j) for j in range(min(n0, n) + 1)) for n in sizes)
    lower = max(_montufar_count(sizes, k) for k in range(1, min(n0, *sizes) + 1))
    return lower, upper
