r"""B-splines on a uniform grid of :math:`[-1, 1]`, and their derivatives.

Every edge function of a Kolmogorov–Arnold network sees its input mapped
affinely onto :math:`[-1, 1]` (its *grid range*), where the grid has
:math:`G` intervals of width :math:`h = 2/G`. The knots, extended by
:math:`k` intervals on each side (Liu et al. 2024, §2.2), are

.. math::

    t_j = -1 + (j - k)\,h, \qquad j = 0, \dots, G + 2k,

and carry :math:`G + k` B-splines of degree :math:`k`, which sum to one on
:math:`[-1, 1]`. The Cox–de Boor recursion defines them,

.. math::

    B_j^0(x) = \mathbb{1}[t_j \le x < t_{j+1}], \qquad
    B_j^r(x) = \frac{x - t_j}{t_{j+r} - t_j}\, B_j^{r-1}(x)
             + \frac{t_{j+r+1} - x}{t_{j+r+1} - t_{j+1}}\, B_{j+1}^{r-1}(x),

which on uniform knots, in the knot coordinate :math:`s = (x - t_0)/h`, reads
:math:`B_j^r = \big[(s - j) B_j^{r-1} + (j + r + 1 - s) B_{j+1}^{r-1}\big]/r`.
Differentiating the recursion (de Boor 1978, ch. X) gives

.. math::

    \frac{d B_j^k}{dx}(x) = \frac{k}{t_{j+k} - t_j} B_j^{k-1}(x)
        - \frac{k}{t_{j+k+1} - t_{j+1}} B_{j+1}^{k-1}(x)
        = \frac{1}{h}\big(B_j^{k-1}(x) - B_{j+1}^{k-1}(x)\big),

the derivative backpropagation needs to pass through an edge function to the
layer before. The right end :math:`x = 1` is taken in the last interval of
:math:`[-1, 1]` (not the first extension interval), so that the degree-0
indicators, and the derivative of degree-1 splines, are those of the left
limit there.

References
----------
C. de Boor, *A Practical Guide to Splines*, Springer, 1978.
Z. Liu et al., "KAN: Kolmogorov–Arnold Networks", arXiv:2404.19756, 2024.
"""

import numpy as np


def uniform_knots(n_intervals, degree):
    """The knots :math:`t_0, \\dots, t_{G+2k}` of the extended uniform grid.

    Parameters
    ----------
    n_intervals : int
        :math:`G`, the number of grid intervals on :math:`[-1, 1]`.
    degree : int
        :math:`k`, the spline degree.

    Returns
    -------
    knots : ndarray of shape (n_intervals + 2 * degree + 1,)
    """
    h = 2.0 / n_intervals
    return -1.0 + (np.arange(n_intervals + 2 * degree + 1) - degree) * h


def bspline_basis(x, n_intervals, degree, derivative=False):
    """The :math:`G + k` B-splines at ``x`` in :math:`[-1, 1]` (and their derivatives).

    Parameters
    ----------
    x : ndarray of shape (...)
        Points of :math:`[-1, 1]` (callers clip to the grid range first).
    n_intervals : int
        :math:`G`.
    degree : int
        :math:`k \\ge 1`.
    derivative : bool, default=False
        Also return :math:`dB_j/dx`.

    Returns
    -------
    basis : ndarray of shape (..., n_intervals + degree)
        :math:`B_j^k(x)`.
    slope : ndarray of shape (..., n_intervals + degree)
        :math:`dB_j^k/dx(x)`; only with ``derivative=True``.
    """
    h = 2.0 / n_intervals
    s = (x + 1.0) / h + degree  # knot coordinate: t_j sits at s = j
    # The interval holding s, with x = 1 in the last interval of [-1, 1].
    interval = np.clip(np.floor(s), degree, n_intervals + degree - 1)
    n_zero = n_intervals + 2 * degree  # degree-0 indicators B_0^0 ... B_{G+2k-1}^0
    j = np.arange(n_zero, dtype=float)
    s = s[..., None]
    basis = (interval[..., None] == j).astype(float)
    lower = None
    for r in range(1, degree + 1):
        j = j[:-1]
        if r == degree:
            lower = basis
        basis = ((s - j) * basis[..., :-1] + (j + r + 1 - s) * basis[..., 1:]) / r
    if not derivative:
        return basis
    return basis, (lower[..., :-1] - lower[..., 1:]) / h
