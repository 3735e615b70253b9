r"""Depth as acceleration: gradient descent on a linear model and on its depth-2 factorisation.

For scalar linear regression with weights :math:`w \in \mathbb{R}^d` and a
loss :math:`L(w)`, replace :math:`w` by the product :math:`w = W_1 w_2`,
:math:`W_1 \in \mathbb{R}^{d \times k}`, :math:`w_2 \in \mathbb{R}^k` (a
depth-2 linear network) and run plain gradient descent on :math:`(W_1, w_2)`:

.. math::

    W_1 \leftarrow W_1 - \eta \nabla L(w)\, w_2^\top, \qquad
    w_2 \leftarrow w_2 - \eta W_1^\top \nabla L(w).

Arora, Cohen & Hazan (2018), Theorem 1: if the layers are balanced,
:math:`W_1^\top W_1 = w_2 w_2^\top` (which an initialisation near zero makes
approximately true, and which gradient flow preserves), the end-to-end vector
of a depth-:math:`N` network moves as

.. math::

    w_{t+1} = w_t - \eta \|w_t\|^{2 - 2/N} \Big( \nabla L(w_t) + (N - 1)
    \frac{w_t w_t^\top}{\|w_t\|^2} \nabla L(w_t) \Big) + O(\eta^2),

an adaptive step size :math:`\|w\|^{2-2/N}` and a push along the current
direction that acts like momentum. Their Theorem 2: for :math:`N \ge 2` this
update is not the gradient of any function of :math:`w`, so no regulariser of
the original loss reproduces it. Empirically it accelerates gradient descent
on :math:`\ell_p` regression with :math:`p > 2`, whose curvature changes with
the residuals, and not on :math:`\ell_2`, whose curvature is constant.

References
----------
S. Arora, N. Cohen and E. Hazan, "On the Optimization of Deep Networks:
Implicit Acceleration by Overparameterization", ICML 2018 (arXiv:1802.06509).
"""

from numbers import Integral

import numpy as np
from scipy.optimize import minimize
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_X_y

from sklearn_mathdl.neural_network.regression_losses import LpLoss
from sklearn_mathdl.theory._validation import (
    check_positive_integer,
    check_positive_real,
)


def end_to_end_update(w, gradient, depth=2):
    r"""The end-to-end direction of a balanced depth-N linear network.

    Arora, Cohen & Hazan (2018), Theorem 1, for one output:

    .. math::

        P_w \nabla L = \|w\|^{2 - 2/N} \Big( \nabla L + (N - 1)
        \frac{\langle w, \nabla L \rangle}{\|w\|^2} w \Big),

    so that one gradient step of size :math:`\eta` on the factors moves the
    product by :math:`-\eta P_w \nabla L + O(\eta^2)`. ``depth=1`` gives
    :math:`\nabla L` itself.

    Parameters
    ----------
    w : array-like of shape (n_features,)
        The end-to-end weights, non-zero for ``depth > 1``.
    gradient : array-like of shape (n_features,)
        :math:`\nabla L(w)`.
    depth : int, default=2
        The number :math:`N` of layers.

    Returns
    -------
    direction : ndarray of shape (n_features,)
        :math:`P_w \nabla L`.

    See Also
    --------
    lp_descent : Gradient descent on the factors themselves.

    References
    ----------
    S. Arora, N. Cohen and E. Hazan, "On the Optimization of Deep Networks:
    Implicit Acceleration by Overparameterization", ICML 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.theory import end_to_end_update
    >>> end_to_end_update(np.array([2.0, 0.0]), np.array([1.0, 1.0])).tolist()
    [4.0, 2.0]
    """
    depth = check_positive_integer(depth, "depth")
    w = np.asarray(w, dtype=float)
    gradient = np.asarray(gradient, dtype=float)
    if w.shape != gradient.shape or w.ndim != 1:
        raise ValueError(
            f"w and gradient must be vectors of the same length, got shapes "
            f"{w.shape} and {gradient.shape}."
        )
    if depth == 1:
        return gradient.copy()
    norm2 = float(w @ w)
    if norm2 == 0:
        raise ValueError(
            "w is zero, where the end-to-end update of a deep network vanishes "
            "and its direction is undefined; pass a non-zero w."
        )
    scale = norm2 ** (1 - 1 / depth)
    return scale * (gradient + (depth - 1) * (w @ gradient) / norm2 * w)


def lp_descent(
    X,
    y,
    *,
    depth=2,
    p=4.0,
    learning_rate=0.1,
    n_iter=500,
    width=None,
    init_scale=0.1,
    random_state=None,
):
    r"""Full-batch gradient descent on the lp loss, linear or depth-2 linear.

    Minimises :math:`L(w) = \frac{1}{n p} \sum_i |x_i^\top w - y_i|^p` (the
    ``lp`` loss plugin; :math:`\nabla L = X^\top g`, :math:`g` its output
    gradient) over :math:`w` (``depth=1``) or the factors of :math:`w = W_1
    w_2` (``depth=2``) with the constant step :math:`\eta`, no momentum, no
    bias. Both start at :math:`w_0 = W_1^{(0)} w_2^{(0)}`, factors' entries
    :math:`\mathcal{N}(0, s^2)`: near zero, nearly balanced.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Inputs, best standardised.
    y : array-like of shape (n_samples,)
        Real targets.
    depth : {1, 2}, default=2
        1: the linear model; 2: the linear network :math:`W_1 w_2`.
    p : float, default=4.0
        Exponent of the loss, greater than 1.
    learning_rate : float, default=0.1
        The step :math:`\eta`.
    n_iter : int, default=500
        Number of steps.
    width : int, default=None
        Hidden width :math:`k`; None means ``n_features``.
    init_scale : float, default=0.1
        Standard deviation :math:`s` of the factors' entries.
    random_state : int, RandomState instance or None, default=None
        Seed of the initial factors.

    Returns
    -------
    losses : ndarray of shape (n_iter + 1,)
        :math:`L(w_t)` before each step and after the last; ``inf`` from the
        step where the iteration diverged, if it did.
    coef : ndarray of shape (n_features,)
        The end-to-end weights :math:`w` at the end.

    See Also
    --------
    end_to_end_update : What a step does to the product.
    fastest_lp_descent : Each model at its best step size.

    References
    ----------
    S. Arora, N. Cohen and E. Hazan, "On the Optimization of Deep Networks:
    Implicit Acceleration by Overparameterization", ICML 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.theory import lp_descent
    >>> X = np.random.default_rng(0).standard_normal((50, 3))
    >>> y = X @ np.array([1.0, -1.0, 0.5])
    >>> losses, coef = lp_descent(X, y, depth=2, n_iter=1000, random_state=0)
    >>> bool(losses[-1] < 1e-3 * losses[0]), coef.round(1).tolist()
    (True, [1.0, -1.0, 0.5])
    """
    X, y = check_X_y(X, y, dtype=np.float64, y_numeric=True)
    _check_depth(depth)
    learning_rate = check_positive_real(learning_rate, "learning_rate")
    n_iter = check_positive_integer(n_iter, "n_iter")
    width = X.shape[1] if width is None else check_positive_integer(width, "width")
    init_scale = check_positive_real(init_scale, "init_scale")
    rng = check_random_state(random_state)
    W1 = rng.normal(0.0, init_scale, size=(X.shape[1], width))
    w2 = rng.normal(0.0, init_scale, size=width)
    return _descend(X, y, LpLoss(p=p), W1, w2, depth, learning_rate, n_iter)


def _check_depth(depth):
    """Raise a ValueError unless depth is 1 or 2."""
    if depth not in (1, 2) or isinstance(depth, bool):
        raise ValueError(
            f"depth must be 1 (the linear model) or 2 (the product W1 w2), got {depth!r}."
        )


def _descend(X, y, loss, W1, w2, depth, learning_rate, n_iter):
    """The loss curve and final w of ``n_iter`` gradient steps from W1 w2."""
    w = W1 @ w2
    losses = np.full(n_iter + 1, np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n_iter + 1):
            value, g_out = loss.value_and_gradient(y[:, None], (X @ w)[:, None])
            if not np.isfinite(value):
                break
            losses[t] = value
            if t == n_iter:
                break
            grad = X.T @ g_out[:, 0]  # dL/dw
            if depth == 1:
                w = w - learning_rate * grad
            else:
                W1, w2 = (
                    W1 - learning_rate * np.outer(grad, w2),
                    w2 - learning_rate * W1.T @ grad,
                )
                w = W1 @ w2
    return losses, w


def lp_regression_optimum(X, y, p=4.0):
    r"""The minimum of the lp loss over linear models, by BFGS.

    :math:`L` is convex for :math:`p > 1` (and strictly convex when
    :math:`X` has full column rank), so the quasi-Newton method finds its
    minimum :math:`L^\star = \min_w \frac{1}{np}\sum_i |x_i^\top w - y_i|^p`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Inputs.
    y : array-like of shape (n_samples,)
        Real targets.
    p : float, default=4.0
        Exponent of the loss, greater than 1.

    Returns
    -------
    value : float
        :math:`L^\star`.
    coef : ndarray of shape (n_features,)
        A minimiser.

    See Also
    --------
    lp_descent : Gradient descent on the same loss.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.theory import lp_regression_optimum
    >>> X = np.array([[1.0], [1.0]])
    >>> value, coef = lp_regression_optimum(X, np.array([0.0, 2.0]), p=4)
    >>> round(value, 6), coef.round(4).tolist()
    (0.25, [1.0])
    """
    X, y = check_X_y(X, y, dtype=np.float64, y_numeric=True)
    loss = LpLoss(p=p)

    def objective(w):
        value, g_out = loss.value_and_gradient(y[:, None], (X @ w)[:, None])
        return value, X.T @ g_out[:, 0]

    start = np.linalg.lstsq(X, y, rcond=None)[0]
    result = minimize(
        objective, start, jac=True, method="BFGS", options={"gtol": 1e-12}
    )
    return float(result.fun), result.x


def fastest_lp_descent(
    X,
    y,
    *,
    depth,
    target,
    learning_rates,
    p=4.0,
    n_iter=500,
    random_state=None,
    **params,
):
    """The step size that brings lp_descent below ``target`` in fewest steps.

    Runs :func:`lp_descent` per step size and keeps the one that first reaches
    ``L(w_t) <= target``: a common fixed step would favour one model, the
    depth-2 model's effective step being :math:`\\eta\\|w\\|`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Inputs.
    y : array-like of shape (n_samples,)
        Real targets.
    depth : {1, 2}
        The model, as in :func:`lp_descent`.
    target : float
        The loss to reach, e.g. :math:`(1 + 10^{-3}) L^\\star`.
    learning_rates : array-like of float
        The step sizes tried.
    p : float, default=4.0
        Exponent of the loss, greater than 1.
    n_iter : int, default=500
        Number of steps of each run.
    random_state : int, RandomState instance or None, default=None
        Seed of the initial factors, the same for every step size.
    **params : dict
        ``width`` and ``init_scale`` of :func:`lp_descent`.

    Returns
    -------
    n_steps : int or None
        The fewest steps to reach ``target``; None if no step size does.
    learning_rate : float or None
        The step size that does it.
    losses : ndarray of shape (n_iter + 1,) or None
        Its loss curve.

    See Also
    --------
    lp_descent : One run.
    lp_regression_optimum : The optimal loss, for ``target``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.theory import fastest_lp_descent
    >>> X = np.random.default_rng(0).standard_normal((50, 3))
    >>> y = X @ np.array([1.0, -1.0, 0.5])
    >>> n_steps, rate, _ = fastest_lp_descent(
    ...     X, y, depth=1, p=2, target=1e-6, learning_rates=[0.1, 0.5], random_state=0
    ... )
    >>> rate
    0.5
    """
    check_positive_real(target, "target")
    rates = np.asarray(learning_rates, dtype=float).ravel()
    if rates.size == 0:
        raise ValueError("learning_rates is empty; pass at least one step size.")
    # One seed for every step size: the runs share their starting point.
    if not isinstance(random_state, Integral):
        random_state = check_random_state(random_state).randint(2**31 - 1)
    params.update(depth=depth, p=p, n_iter=n_iter, random_state=random_state)
    best = (None, None, None)
    for rate in rates:
        losses = lp_descent(X, y, learning_rate=float(rate), **params)[0]
        reached = np.flatnonzero(losses <= target)
        if reached.size and (best[0] is None or reached[0] < best[0]):
            best = (int(reached[0]), float(rate), losses)
    return best
