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

from numbers import Integral, Real

import numpy as np
from scipy.integrate import quad
from scipy.special import gammaln


def _check_dimension(d):
    if not isinstance(d, Integral) or d < 1:
        raise ValueError(f"d must be an integer >= 1, got {d!r}.")


def barron_bound(C_f, r, n):
    r"""Barron's bound :math:`(2 r C_f)^2 / n` on the mean squared error.

    Parameters
    ----------
    C_f : float
        First Fourier moment :math:`\int |\omega| |\tilde f(\omega)| d\omega`.
    r : float
        Radius of the ball :math:`B_r` holding the data.
    n : int or array-like of int
        Number of hidden units.

    Returns
    -------
    bound : float or ndarray
        :math:`(2 r C_f)^2 / n`, with the shape of ``n``.

    Examples
    --------
    >>> from sklearn_mathdl.theory import barron_bound
    >>> barron_bound(1.0, 1.0, 4)
    1.0
    >>> barron_bound(1.0, 1.0, [1, 2, 4]).tolist()
    [4.0, 2.0, 1.0]
    """
    for name, value in (("C_f", C_f), ("r", r)):
        if not isinstance(value, Real) or not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    n_arr = np.asarray(n)
    if not np.issubdtype(n_arr.dtype, np.number) or np.any(n_arr < 1):
        raise ValueError(f"n must hold numbers of units >= 1, got {n!r}.")
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


def radial_barron_constant(f_hat, d):
    r""":math:`C_f` of a function whose Fourier transform is radial, by quadrature.

    If :math:`\tilde f(\omega) = g(|\omega|)`, polar coordinates give

    .. math::

        C_f = |S^{d-1}| \int_0^\infty \rho^{d} |g(\rho)|\, d\rho, \qquad
        |S^{d-1}| = \frac{2\pi^{d/2}}{\Gamma(d/2)} ,

    evaluated with :func:`scipy.integrate.quad` on :math:`[0, \infty)`.

    Parameters
    ----------
    f_hat : callable
        :math:`\rho \mapsto g(\rho)`, the transform as a function of :math:`|\omega|`.
    d : int
        Dimension, at least 1.

    Returns
    -------
    C_f : float

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.theory import radial_barron_constant
    >>> gauss = lambda rho: (2 * np.pi) ** -1.5 * np.exp(-rho**2 / 2)
    >>> round(radial_barron_constant(gauss, 3), 6)  # 2 sqrt(2 / pi)
    1.595769
    """
    _check_dimension(d)
    sphere = 2.0 * np.pi ** (d / 2) * np.exp(-gammaln(d / 2))
    value, _ = quad(lambda rho: rho**d * abs(f_hat(rho)), 0.0, np.inf, limit=200)
    return float(sphere * value)
