r"""The spherical p-spin glass, its local minima, and the network losses they model.

The spherical :math:`p`-spin glass on :math:`S_N = \{\sigma \in \mathbb{R}^N :
\sum_i \sigma_i^2 = N\}` has the Hamiltonian

.. math::

    H_{N,p}(\sigma) = N^{-(p-1)/2} \sum_{i_1, \dots, i_p = 1}^{N}
    J_{i_1 \dots i_p}\, \sigma_{i_1} \cdots \sigma_{i_p},
    \qquad J_{i_1 \dots i_p} \sim \mathcal{N}(0, 1) \text{ i.i.d.},

a centred Gaussian field with :math:`\mathbb{E}[H(\sigma) H(\sigma')] = N
(\langle \sigma, \sigma' \rangle / N)^p`. Auffinger, Ben Arous & Černý (2013)
counted its critical points: the energies per spin :math:`H/N` of the local
minima lie, with overwhelming probability, in the band
:math:`[-E_0, -E_\infty]` between the ground state (:math:`E_0 \approx 1.657`
for :math:`p = 3`) and the threshold

.. math::

    -E_\infty = -2 \sqrt{\frac{p - 1}{p}},

above which almost every critical point is a saddle. Choromanska et al. (2015)
carried this to networks: under their (strong) independence assumptions the
loss of a ReLU network is a spin glass with :math:`p` the depth and :math:`N`
the number of paths, so the losses of the local minima that (stochastic)
gradient descent finds concentrate as the network widens, and any of them is
nearly as good as the global one.

References
----------
A. Auffinger, G. Ben Arous and J. Černý, "Random Matrices and Complexity of
Spin Glasses", Comm. Pure Appl. Math. 66(2), 2013 (arXiv:1003.1129).

A. Choromanska, M. Henaff, M. Mathieu, G. Ben Arous and Y. LeCun, "The Loss
Surfaces of Multilayer Networks", AISTATS 2015 (arXiv:1412.0233).
"""

import warnings
from itertools import permutations
from math import factorial, sqrt

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.utils import check_random_state

from sklearn_mathdl.theory._validation import (
    check_interaction_tensor,
    check_mlp_estimator,
    check_positive_integer,
    check_positive_real,
)

#: Largest number of couplings N**p that spin_glass_minima draws (400 MB).
_MAX_COUPLINGS = 50_000_000


def spin_glass_threshold(p):
    r"""Threshold energy per spin :math:`-E_\infty = -2\sqrt{(p-1)/p}`.

    Auffinger, Ben Arous & Černý (2013), Theorem 2.8: below :math:`-E_\infty`
    the critical points of :math:`H_{N,p}/N` of finite index have an
    exponential complexity, and the local minima fill the band from the ground
    state :math:`-E_0` to :math:`-E_\infty`; above it almost every critical
    point is a saddle of diverging index.

    Parameters
    ----------
    p : int
        Order of the interaction, at least 2.

    Returns
    -------
    threshold : float
        :math:`-2\sqrt{(p-1)/p}`, e.g. :math:`-1.633` for :math:`p = 3`.

    See Also
    --------
    spin_glass_minima : Energies of the local minima that descent finds.

    References
    ----------
    A. Auffinger, G. Ben Arous and J. Černý, "Random Matrices and Complexity
    of Spin Glasses", Comm. Pure Appl. Math. 66(2), 2013.

    Examples
    --------
    >>> from sklearn_mathdl.theory import spin_glass_threshold
    >>> round(spin_glass_threshold(3), 4)
    -1.633
    """
    p = _check_order(p)
    return -2.0 * sqrt((p - 1) / p)


def spin_glass_hamiltonian(J, sigma):
    r"""Energy of the spherical p-spin glass and its gradient on the sphere.

    .. math::

        H(\sigma) = N^{-(p-1)/2} \sum_{i_1, \dots, i_p} J_{i_1 \dots i_p}
        \sigma_{i_1} \cdots \sigma_{i_p}, \qquad
        \operatorname{grad} H(\sigma) = \Big(I - \frac{\sigma \sigma^\top}{N}\Big)
        \nabla H(\sigma),

    where :math:`\nabla H(\sigma) = p\, N^{-(p-1)/2}\, \bar J[\sigma, \dots,
    \sigma, \cdot\,]` is the Euclidean gradient, :math:`\bar J` the
    symmetrisation of :math:`J` (the average over the :math:`p!` permutations of
    its axes, which leaves :math:`H` unchanged). The Riemannian gradient is the
    Euclidean one minus its radial component; by Euler's identity
    :math:`\langle \sigma, \nabla H \rangle = p H`, it is
    :math:`\nabla H - p H \sigma / N`.

    Parameters
    ----------
    J : array-like of shape (N, N, ..., N)
        The couplings, ``p >= 2`` equal axes.
    sigma : array-like of shape (N,) or (n_points, N)
        Point(s) of the sphere :math:`\sum_i \sigma_i^2 = N`.

    Returns
    -------
    energy : float or ndarray of shape (n_points,)
        :math:`H(\sigma)`; divide by ``N`` for the energy per spin.
    gradient : ndarray of the shape of ``sigma``
        The gradient of :math:`H` on the sphere, orthogonal to ``sigma``.

    See Also
    --------
    spin_glass_minima : Local minima by projected gradient descent.

    References
    ----------
    A. Auffinger, G. Ben Arous and J. Černý, "Random Matrices and Complexity
    of Spin Glasses", Comm. Pure Appl. Math. 66(2), 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.theory import spin_glass_hamiltonian
    >>> J = np.zeros((2, 2, 2))
    >>> J[0, 0, 0] = 1.0
    >>> energy, gradient = spin_glass_hamiltonian(J, np.array([1.0, 1.0]))
    >>> round(float(energy), 4), gradient.round(4).tolist()
    (0.5, [0.75, -0.75])
    """
    J = check_interaction_tensor(J)
    sym = _symmetrise(J)
    sigma = _check_on_sphere(sigma, J.shape[0])
    energy, gradient = _energy_and_gradient(sym, np.atleast_2d(sigma))
    if sigma.ndim == 1:
        return float(energy[0]), gradient[0]
    return energy, gradient


def spin_glass_minima(
    N,
    p=3,
    n_starts=20,
    random_state=None,
    *,
    learning_rate=0.1,
    tol=1e-4,
    max_iter=5000,
):
    r"""Find local minima of a random p-spin glass; return their energies per spin.

    Draws one disorder :math:`J` (i.i.d. standard normal couplings) and runs
    projected gradient descent from ``n_starts`` uniform random points:

    .. math::

        \tilde\sigma = \sigma_t - \eta \operatorname{grad} H(\sigma_t), \qquad
        \sigma_{t+1} = \sqrt{N}\, \tilde\sigma / \|\tilde\sigma\|,

    until :math:`\|\operatorname{grad} H\| / \sqrt{N} <` ``tol``. As
    :math:`N` grows the energies :math:`H/N` concentrate near the threshold
    :math:`-E_\infty` (Auffinger, Ben Arous & Černý 2013).

    Parameters
    ----------
    N : int
        Number of spins.
    p : int, default=3
        Order of the interaction, at least 2.
    n_starts : int, default=20
        Number of random starting points.
    random_state : int, RandomState instance or None, default=None
        Seed of the couplings and the starts.
    learning_rate : float, default=0.1
        The step :math:`\eta`.
    tol : float, default=1e-4
        Stopping threshold on :math:`\|\operatorname{grad} H\| / \sqrt{N}`.
    max_iter : int, default=5000
        Most descent steps; a ``ConvergenceWarning`` says if some start did
        not reach ``tol``.

    Returns
    -------
    energies : ndarray of shape (n_starts,)
        The energy per spin :math:`H(\sigma)/N` at each local minimum found.

    See Also
    --------
    spin_glass_hamiltonian : The energy and its gradient on the sphere.
    spin_glass_threshold : The threshold energy :math:`-E_\infty`.

    References
    ----------
    A. Choromanska, M. Henaff, M. Mathieu, G. Ben Arous and Y. LeCun, "The Loss
    Surfaces of Multilayer Networks", AISTATS 2015.

    Examples
    --------
    >>> from sklearn_mathdl.theory import spin_glass_minima, spin_glass_threshold
    >>> energies = spin_glass_minima(30, 3, n_starts=5, random_state=0)
    >>> bool(energies.min() > -1.7 and energies.max() < -1.2)
    True
    """
    N, p, n_starts, max_iter = _check_sizes(N, p, n_starts, max_iter)
    learning_rate = check_positive_real(learning_rate, "learning_rate")
    tol = check_positive_real(tol, "tol")
    rng = check_random_state(random_state)
    sym = _symmetrise(rng.standard_normal((N,) * p))
    sigma = rng.standard_normal((n_starts, N))
    sigma *= np.sqrt(N) / np.linalg.norm(sigma, axis=1, keepdims=True)
    energy, stuck = _projected_descent(sym, sigma, learning_rate, tol, max_iter)
    if stuck:
        warnings.warn(
            f"{stuck} of {n_starts} starts did not reach tol={tol} in "
            f"max_iter={max_iter} steps; increase max_iter or learning_rate.",
            ConvergenceWarning,
            stacklevel=2,
        )
    return energy / N


def _projected_descent(sym, sigma, learning_rate, tol, max_iter):
    """Descend every row of ``sigma`` (in place) until its sphere gradient is
    below ``tol * sqrt(N)``; the energies and the number of rows not there."""
    N = sigma.shape[1]
    energy = np.empty(len(sigma))
    active = np.arange(len(sigma))
    for _ in range(max_iter):
        energy[active], grad = _energy_and_gradient(sym, sigma[active])
        moving = np.linalg.norm(grad, axis=1) / np.sqrt(N) >= tol
        step = sigma[active[moving]] - learning_rate * grad[moving]
        sigma[active[moving]] = (
            np.sqrt(N) * step / np.linalg.norm(step, axis=1, keepdims=True)
        )
        active = active[moving]
        if active.size == 0:
            return energy, 0
    energy[active] = _energy_and_gradient(sym, sigma[active])[0]
    return energy, active.size


def restart_losses(estimator, X, y, X_test, y_test, *, n_starts=10, random_state=None):
    """Test losses of one network fitted from many random initialisations.

    Clones ``estimator`` ``n_starts`` times with different ``random_state``
    seeds, fits each on ``(X, y)`` and measures the loss on ``(X_test,
    y_test)``: the log loss of ``predict_proba`` for a classifier, the
    estimator's own regression loss for a regressor. Choromanska et al. (2015)
    predict that the spread of these losses, over the local minima that
    gradient descent reaches, shrinks as the network widens.

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
        An unfitted ``sklearn_mathdl`` network; its ``random_state`` is
        replaced by the seeds.
    X : array-like of shape (n_samples, n_features)
        Training inputs.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Training targets.
    X_test : array-like of shape (n_test, n_features)
        Test inputs.
    y_test : array-like of shape (n_test,) or (n_test, n_outputs)
        Test targets.
    n_starts : int, default=10
        Number of random initialisations.
    random_state : int, RandomState instance or None, default=None
        Draws the ``n_starts`` seeds.

    Returns
    -------
    losses : ndarray of shape (n_starts,)
        The test loss of each fit.

    See Also
    --------
    spin_glass_minima : The same experiment on the spin glass.

    References
    ----------
    A. Choromanska, M. Henaff, M. Mathieu, G. Ben Arous and Y. LeCun, "The Loss
    Surfaces of Multilayer Networks", AISTATS 2015.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_mathdl import MLPClassifier
    >>> from sklearn_mathdl.theory import restart_losses
    >>> X, y = load_iris(return_X_y=True)
    >>> net = MLPClassifier((8,), solver="lbfgs", max_iter=300)
    >>> losses = restart_losses(net, X, y, X, y, n_starts=3, random_state=0)
    >>> losses.shape
    (3,)
    """
    check_mlp_estimator(estimator, "estimator")
    n_starts = check_positive_integer(n_starts, "n_starts")
    seeds = check_random_state(random_state).randint(
        np.iinfo(np.int32).max, size=n_starts
    )
    losses = np.empty(n_starts)
    for i, seed in enumerate(seeds):
        model = clone(estimator).set_params(random_state=int(seed)).fit(X, y)
        if is_classifier(model):
            proba = model.predict_proba(X_test)
            losses[i] = log_loss(y_test, proba, labels=model.classes_)
        else:
            target = np.asarray(y_test, dtype=float)
            target = target.reshape(target.shape[0], -1)
            losses[i] = model.loss_function_.value(target, model._forward(X_test))
    return losses


def _check_sizes(N, p, n_starts, max_iter):
    """The integer arguments of spin_glass_minima, checked; J must fit in memory."""
    N = check_positive_integer(N, "N")
    p = _check_order(p)
    if N**p > _MAX_COUPLINGS:
        raise ValueError(
            f"N**p = {N}**{p} couplings exceed {_MAX_COUPLINGS:,}, more than "
            "memory allows; use a smaller N or p."
        )
    n_starts = check_positive_integer(n_starts, "n_starts")
    return N, p, n_starts, check_positive_integer(max_iter, "max_iter")


def _check_order(p):
    """``p`` as an int >= 2, or a ValueError naming the fix."""
    if isinstance(p, bool | np.bool_) or not isinstance(p, int | np.integer) or p < 2:
        raise ValueError(
            f"p must be an integer >= 2 (the order of the spin interaction; "
            f"p = 2 is the spherical SK model), got {p!r}."
        )
    return int(p)


def _check_on_sphere(sigma, n_spins):
    """``sigma`` as float rows on the sphere of radius sqrt(N)."""
    sigma = np.asarray(sigma, dtype=float)
    if sigma.ndim not in (1, 2) or sigma.shape[-1] != n_spins:
        raise ValueError(
            f"sigma must have shape (N,) or (n_points, N) with N = {n_spins} "
            f"(the size of J's axes), got shape {sigma.shape}."
        )
    radius = np.linalg.norm(np.atleast_2d(sigma), axis=1)
    if not np.all(np.isfinite(sigma)) or not np.allclose(radius, np.sqrt(n_spins)):
        raise ValueError(
            "sigma must lie on the sphere sum(sigma**2) = N; rescale it as "
            "sigma * sqrt(N) / norm(sigma)."
        )
    return sigma


def _symmetrise(J):
    """The average of ``J`` over the p! permutations of its axes."""
    sym = np.zeros_like(J)
    for axes in permutations(range(J.ndim)):
        sym += np.transpose(J, axes)
    return sym / factorial(J.ndim)


def _energy_and_gradient(sym, sigma):
    r"""H and its sphere gradient for rows of ``sigma``, ``sym`` symmetric.

    Contracts :math:`p - 1` axes of :math:`\bar J` with :math:`\sigma` one at
    a time, giving :math:`v = \bar J[\sigma, \dots, \sigma, \cdot]`; then
    :math:`H = c \langle v, \sigma \rangle` and :math:`\nabla H = p c v`,
    :math:`c = N^{-(p-1)/2}`.
    """
    p, N = sym.ndim, sym.shape[0]
    c = N ** (-(p - 1) / 2)
    v = (sigma @ sym.reshape(-1, N).T).reshape(len(sigma), -1, N)
    for _ in range(p - 2):
        v = np.einsum("sij,sj->si", v, sigma).reshape(len(sigma), -1, N)
    v = v[:, 0, :]
    energy = c * np.einsum("si,si->s", v, sigma)
    gradient = p * c * v - (p * energy / N)[:, None] * sigma
    return energy, gradient
