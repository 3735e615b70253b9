r"""Barron's approximation bound and the Fourier moment :math:`C_f`.

For :math:`f(x) = \int_{\mathbb{R}^d} e^{i\omega\cdot x} \tilde f(\omega)\,d\omega`
with finite first Fourier moment

.. math::

    C_f = \int_{\mathbb{R}^d} |\omega|\, |\tilde f(\omega)|\, d\omega ,

Barron (1993, Theorem 1) shows that for every probability measure :math:`\mu`
on the ball :math:`B_r = \{|x| \le r\}` and every :math:`n` there is a network
:math:`f_n(x) = \sum_{i=1}^n a_i \sigma(w_i\cdot x + b_i) + a_0` of ``n``
sigmoidal units with

.. math::

    \int_{B_r} (f(x) - f_n(x))^2 \, \mu(dx) \le \frac{(2 r C_f)^2}{n} .

The rate :math:`1/n` does not depend on the dimension :math:`d`; the dimension
enters only through :math:`C_f`.

References
----------
A. R. Barron, "Universal approximation bounds for superpositions of a sigmoidal
function", IEEE Trans. Inf. Theory 39(3), 930–945, 1993.
"""

import warnings

import numpy as np
from scipy.integrate import IntegrationWarning, quad
from scipy.special import gammaln

from sklearn_mathdl.theory._validation import (
    check_nonnegative,
    check_positive_integer,
)

# Decades of rho on which the tail (and the behaviour at 0) of the radial
# integrand is read, and the ratio of consecutive decade integrals from which
# the integral is declared divergent.
_FAR_DECADES = (1e6, 1e7, 1e8)
_NEAR_DECADES = (1e-8, 1e-7, 1e-6)
_DIVERGENT_RATIO = 0.99


def _check_dimension(d):
    return check_positive_integer(d, "d")


def _check_units(n):
    """``n`` as an int ndarray of numbers of hidden units (each >= 1)."""
    n_arr = np.asarray(n)
    if (
        n_arr.dtype == bool
        or not np.issubdtype(n_arr.dtype, np.integer)
        or n_arr.size == 0
        or np.any(n_arr < 1)
    ):
        raise ValueError(
            f"n must hold positive integers (numbers of hidden units), got {n!r}."
        )
    return n_arr


def barron_bound(C_f, r, n):
    r"""Compute Barron's bound :math:`(2 r C_f)^2 / n` on the mean squared error.

    Barron (1993, Theorem 1): for :math:`f` with finite first Fourier moment
    :math:`C_f` and any probability measure on the ball :math:`B_r`, some
    one-hidden-layer sigmoidal network with :math:`n` units reaches a mean
    squared error at most :math:`(2 r C_f)^2 / n`, whatever the dimension.

    Parameters
    ----------
    C_f : float
        First Fourier moment :math:`\int |\omega| |\tilde f(\omega)| d\omega`,
        ``>= 0``; ``inf`` (as :func:`radial_barron_constant` returns for a
        divergent moment) gives an infinite bound: the theorem then says nothing.
    r : float
        Radius of the ball :math:`B_r` holding the data, finite and ``>= 0``.
    n : int or array-like of int
        Number of hidden units, integers ``>= 1``.

    Returns
    -------
    bound : float or ndarray
        :math:`(2 r C_f)^2 / n`, with the shape of ``n``.

    Raises
    ------
    ValueError
        If ``C_f`` or ``r`` is negative or not a number, or ``n`` holds
        anything but integers ``>= 1`` (``n=2.5`` is refused).

    See Also
    --------
    gaussian_barron_constant : :math:`C_f` of the Gaussian.
    radial_barron_constant : :math:`C_f` of a radial transform, by quadrature.

    Examples
    --------
    >>> from sklearn_mathdl.theory import barron_bound
    >>> barron_bound(1.0, 1.0, 4)
    1.0
    >>> barron_bound(1.0, 1.0, [1, 2, 4]).tolist()
    [4.0, 2.0, 1.0]
    """
    C_f = check_nonnegative(C_f, "C_f", allow_inf=True)
    r = check_nonnegative(r, "r")
    n_arr = _check_units(n)
    if np.isinf(C_f):
        bound = np.full(n_arr.shape, np.inf)
    else:
        bound = (2.0 * r * C_f) ** 2 / n_arr.astype(float)
    return float(bound) if bound.ndim == 0 else bound


def gaussian_barron_constant(d):
    r""":math:`C_f` of the Gaussian :math:`f(x) = e^{-|x|^2/2}` on :math:`\mathbb{R}^d`.

    Under the convention :math:`f(x) = \int e^{i\omega\cdot x}\tilde f(\omega)\,d\omega`,
    :math:`\tilde f(\omega) = (2\pi)^{-d/2} e^{-|\omega|^2/2}` is the standard
    normal density, so :math:`C_f = \mathbb{E}|Z|` for :math:`Z \sim N(0, I_d)`,
    the mean of a chi distribution with ``d`` degrees of freedom:

    .. math::

        C_f = \sqrt{2}\, \frac{\Gamma\big(\tfrac{d+1}{2}\big)}{\Gamma\big(\tfrac{d}{2}\big)} .

    It grows like :math:`\sqrt{d}`.

    Parameters
    ----------
    d : int
        Dimension, at least 1.

    Returns
    -------
    C_f : float
        The first Fourier moment :math:`\mathbb{E}|Z|`.

    See Also
    --------
    radial_barron_constant : The same moment for any radial transform.
    barron_bound : The approximation bound this constant enters.

    Examples
    --------
    >>> from sklearn_mathdl.theory import gaussian_barron_constant
    >>> round(gaussian_barron_constant(1), 6)  # sqrt(2 / pi)
    0.797885
    >>> round(gaussian_barron_constant(2), 6)  # sqrt(pi / 2)
    1.253314
    """
    _check_dimension(d)
    # Through log-gamma: Gamma overflows for d > 340.
    return float(np.sqrt(2.0) * np.exp(gammaln((d + 1) / 2) - gammaln(d / 2)))


def _quad(h, low, high):
    """``quad`` of ``h`` on [low, high]: (value, error estimate, converged?).

    scipy's ``IntegrationWarning`` is silenced: its cause is reported by the
    caller, in words about the transform.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        value, error, info, *message = quad(h, low, high, limit=200, full_output=1)
    return value, error, not message


def _decade_ratio(h, decades):
    """Integral of ``h`` over the second decade of ``decades`` over the first.

    ``h`` decaying like :math:`\rho^{-1-\varepsilon}` gives :math:`10^{-\varepsilon}`;
    :math:`1/\rho` gives 1 (a logarithmically divergent integral); 0 when
    ``h`` vanishes on both decades.
    """
    first = _quad(h, decades[0], decades[1])[0]
    second = _quad(h, decades[1], decades[2])[0]
    if first == 0:
        return 0.0 if second == 0 else np.inf
    return second / first


def _moment_integrand(f_hat, d):
    """:math:`h(\rho) = \rho^d |g(\rho)|`, refusing non-finite values of ``g``."""

    def h(rho):
        value = rho**d * abs(f_hat(rho))
        if not np.isfinite(value):
            raise ValueError(
                f"f_hat returned {f_hat(rho)!r} at rho={rho!r}: the transform "
                "must be finite on (0, inf)."
            )
        return value

    return h


def _diverges(h):
    r"""Whether :math:`\int_0^\infty h` diverges, read from how ``h`` decays.

    With :math:`J(a, b) = \int_a^b h`, the integral is infinite when

    .. math::

        \frac{J(10^7, 10^8)}{J(10^6, 10^7)} \ge 0.99
        \quad\text{or}\quad
        \frac{J(10^{-8}, 10^{-7})}{J(10^{-7}, 10^{-6})} \ge 0.99 ,

    that is when :math:`h` decays no faster than :math:`1/\rho` at infinity
    (:math:`h(\rho) \sim \rho^{-1-\varepsilon}` makes consecutive decades
    shrink by :math:`10^{-\varepsilon}`; :math:`1/\rho` gives equal decades,
    a logarithmic divergence) or blows up at least like :math:`1/\rho` at 0.
    An integrand whose decades shrink by less than 1 % is counted as
    divergent too: its tail beyond :math:`10^8` exceeds a hundred times its
    last decade. The decades are fixed: a transform whose mass lies beyond
    :math:`10^6` should be rescaled first.
    """
    return (
        _decade_ratio(h, _FAR_DECADES) >= _DIVERGENT_RATIO
        or _decade_ratio(h, _NEAR_DECADES[::-1]) >= _DIVERGENT_RATIO
    )


def radial_barron_constant(f_hat, d):
    r""":math:`C_f` of a function whose Fourier transform is radial, by quadrature.

    If :math:`\tilde f(\omega) = g(|\omega|)`, polar coordinates give

    .. math::

        C_f = |S^{d-1}| \int_0^\infty h(\rho)\, d\rho, \qquad
        h(\rho) = \rho^{d} |g(\rho)|, \qquad
        |S^{d-1}| = \frac{2\pi^{d/2}}{\Gamma(d/2)} ,

    evaluated with :func:`scipy.integrate.quad` on :math:`[0, \infty)`.
    Divergence is read from how :math:`h` decays over fixed decades near 0 and
    near :math:`10^7` (see ``_diverges``), not from the quadrature, which
    returns a finite number for a divergent integral; then ``inf`` is
    returned: Barron's theorem does not apply to the function.

    Parameters
    ----------
    f_hat : callable
        :math:`\rho \mapsto g(\rho)`, the transform as a function of
        :math:`|\omega|`, called with one float at a time.
    d : int
        Dimension, at least 1.

    Returns
    -------
    C_f : float
        ``inf`` when the moment diverges (see above).

    Raises
    ------
    ValueError
        If ``d`` is not an integer >= 1, ``f_hat`` is not callable or returns
        a value that is not finite, or the integral converges but quadrature
        cannot reach a relative accuracy of :math:`10^{-6}` (the error
        estimate is given).

    See Also
    --------
    gaussian_barron_constant : The closed form for the Gaussian.
    barron_bound : The approximation bound this constant enters.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.theory import radial_barron_constant
    >>> gauss = lambda rho: (2 * np.pi) ** -1.5 * np.exp(-rho**2 / 2)
    >>> round(radial_barron_constant(gauss, 3), 6)  # 2 sqrt(2 / pi)
    1.595769

    The transform of :math:`e^{-|x|}` in one dimension,
    :math:`1 / (\pi(1 + \rho^2))`, has :math:`h \sim 1/(\pi\rho)`: its moment
    diverges (the function has a kink at 0):

    >>> radial_barron_constant(lambda rho: 1 / (np.pi * (1 + rho**2)), 1)
    inf
    """
    d = _check_dimension(d)
    if not callable(f_hat):
        raise ValueError(
            f"f_hat must be a callable rho -> g(rho), got {type(f_hat).__name__}."
        )
    h = _moment_integrand(f_hat, d)
    if _diverges(h):
        return float("inf")
    sphere = 2.0 * np.pi ** (d / 2) * np.exp(-gammaln(d / 2))
    value, error, converged = _quad(h, 0.0, np.inf)
    if not converged and error > 1e-6 * abs(value):
        raise ValueError(
            f"The integral of rho**{d} * |f_hat(rho)| converges but quadrature "
            f"reached only {value:.6g} +- {error:.2g}. Split f_hat's "
            "oscillations or rescale rho so that its mass lies in [1e-3, 1e3]."
        )
    return float(sphere * value)
