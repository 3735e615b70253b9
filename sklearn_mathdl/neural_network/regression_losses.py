r"""Regression losses: real targets :math:`y \in \mathbb{R}^k`, network output :math:`o`.

=================  ===========================================================  ======================
name               per-sample loss :math:`\ell(y, o)`                           prediction
=================  ===========================================================  ======================
``squared_error``  :math:`\frac{1}{2k}\sum_j (o_j - y_j)^2`                     :math:`o`
``absolute_error`` :math:`\frac{1}{k}\sum_j |o_j - y_j|`                        :math:`o`
``huber``          :math:`\frac{1}{k}\sum_j H_\delta(o_j - y_j)`                :math:`o`
``poisson``        :math:`\sum_j e^{o_j} - y_j o_j + y_j \log y_j - y_j`        :math:`e^{o}`
``lp``             :math:`\frac{1}{pk}\sum_j |o_j - y_j|^p`                       :math:`o`
=================  ===========================================================  ======================

with :math:`H_\delta(d) = d^2/2` for :math:`|d| \le \delta` and
:math:`\delta(|d| - \delta/2)` beyond. ``squared_error`` and ``poisson`` are
scikit-learn's ``MLPRegressor`` losses to the letter (half the mean squared
error; half the Poisson deviance, summed over outputs, with the log link: the
network output is :math:`\log\mu`, whose gradient :math:`e^{o} - y` is the
canonical-link one). A loss may define ``predict(o)`` (the inverse link, used by
``MLPRegressor.predict``), ``out_activation`` (its name, reported as
``out_activation_``) and ``validate_targets(y)``.

All are plugins of the one loss registry, checked by
:func:`sklearn_mathdl.utils.check_loss` like the classification losses.
"""

from numbers import Real

import numpy as np
from scipy.special import xlogy

from sklearn_mathdl.neural_network.losses import Loss
from sklearn_mathdl.plugins import register_loss


class RegressionLoss(Loss):
    """Base class: the prediction is the network output itself.

    ``task = "regression"``: ``MLPRegressor`` accepts these losses and
    ``MLPClassifier`` refuses them.

    See Also
    --------
    SquaredError : Half the mean squared error (scikit-learn's).
    Poisson : Half the Poisson deviance with the log link.
    sklearn_mathdl.neural_network.losses.Loss : Base class of all losses.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.regression_losses import RegressionLoss
    >>> from sklearn_mathdl.utils import check_loss
    >>> class HalfL2(RegressionLoss):
    ...     def per_sample(self, y, o):
    ...         d = o - y
    ...         return 0.5 * (d * d).sum(axis=1), d
    >>> check_loss(HalfL2())  # silent: the gradient is right
    >>> HalfL2().predict(np.array([[1.5]])).tolist()
    [[1.5]]
    """

    task = "regression"
    out_activation = "identity"

    def predict(self, o):
        """Compute the prediction from the network output (the inverse link).

        Parameters
        ----------
        o : ndarray of shape (n_samples, n_outputs)
            The network output.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_outputs)
            The predicted targets; here the output itself.
        """
        return o

    def validate_targets(self, y):
        """Raise ``ValueError`` for targets outside the loss's domain.

        Every real target is accepted here; subclasses restrict the domain.

        Parameters
        ----------
        y : array-like of shape (n_samples, n_outputs)
            The training targets.

        Raises
        ------
        ValueError
            If some target lies outside the loss's domain.
        """


@register_loss("squared_error")
class SquaredError(RegressionLoss):
    r""":math:`\frac{1}{2k}\|o - y\|^2`, gradient :math:`(o - y)/k` (scikit-learn's).

    Half the squared error averaged over the :math:`k` outputs, as
    scikit-learn's ``MLPRegressor``; the prediction is the output itself.

    See Also
    --------
    AbsoluteError : Mean absolute error.
    Huber : Huber's loss, quadratic near 0 and linear beyond.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.regression_losses import SquaredError
    >>> y = np.array([[1.0]])
    >>> o = np.array([[3.0]])
    >>> value, grad = SquaredError().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (2.0, [[2.0]])
    """

    def per_sample(self, y, o):
        d = o - y
        k = o.shape[1]
        return 0.5 * np.einsum("ij,ij->i", d, d) / k, d / k


@register_loss("absolute_error")
class AbsoluteError(RegressionLoss):
    r""":math:`\frac{1}{k}\|o - y\|_1`, gradient :math:`\operatorname{sign}(o - y)/k`.

    The absolute error averaged over the :math:`k` outputs; its minimiser is
    the conditional median. The prediction is the output itself.

    See Also
    --------
    SquaredError : Half the mean squared error.
    Huber : Huber's loss, quadratic near 0 and linear beyond.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.regression_losses import AbsoluteError
    >>> y = np.array([[1.0]])
    >>> o = np.array([[3.0]])
    >>> value, grad = AbsoluteError().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (2.0, [[1.0]])
    """

    def per_sample(self, y, o):
        d = o - y
        k = o.shape[1]
        return np.abs(d).sum(axis=1) / k, np.sign(d) / k


@register_loss("huber")
class Huber(RegressionLoss):
    r"""Huber's loss :math:`\frac1k\sum_j H_\delta(o_j - y_j)`: quadratic near 0, linear beyond.

    Gradient :math:`\operatorname{clip}(o - y, -\delta, \delta)/k`.

    Parameters
    ----------
    delta : float, default=1.0
        The threshold :math:`\delta` between the quadratic and the linear part.

    See Also
    --------
    SquaredError : Half the mean squared error.
    AbsoluteError : Mean absolute error.

    References
    ----------
    P. J. Huber, "Robust Estimation of a Location Parameter", Ann. Math.
    Statist. 35(1), 1964.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.regression_losses import Huber
    >>> y = np.array([[1.0]])
    >>> o = np.array([[3.0]])
    >>> value, grad = Huber().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (1.5, [[1.0]])
    """

    def __init__(self, delta=1.0):
        self.delta = delta

    def per_sample(self, y, o):
        d = o - y
        k = o.shape[1]
        a = np.abs(d)
        quadratic = a <= self.delta
        values = np.where(quadratic, 0.5 * d * d, self.delta * (a - 0.5 * self.delta))
        return values.sum(axis=1) / k, np.clip(d, -self.delta, self.delta) / k


@register_loss("poisson")
class Poisson(RegressionLoss):
    r"""Half the Poisson deviance with the log link, :math:`\mu = e^{o}`.

    .. math::

        \ell(y, o) = \sum_j e^{o_j} - y_j o_j + y_j \log y_j - y_j, \qquad
        \frac{\partial \ell}{\partial o_j} = e^{o_j} - y_j .

    Beyond :math:`c = \tfrac14 \log(\text{largest float})` (177 in float64,
    22 in float32) the exponential continues by its tangent,
    :math:`e^{c}(1 + o - c)`, so the loss, its gradient and the predictions stay
    finite and continuously differentiable at any output (the "clipped exp").
    Targets must be non-negative.

    See Also
    --------
    SquaredError : Half the mean squared error.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.regression_losses import Poisson
    >>> y = np.array([[2.0]])
    >>> o = np.array([[0.0]])  # log of the predicted mean
    >>> value, grad = Poisson().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (0.3863, [[-1.0]])
    >>> Poisson().predict(o).tolist()
    [[1.0]]
    """

    out_activation = "exp"

    def per_sample(self, y, o):
        mu, slope = self._mean_and_slope(o)
        values = mu - y * o + xlogy(y, y) - y
        return values.sum(axis=1), slope - y

    def predict(self, o):
        r"""Compute the predicted mean :math:`\mu = e^{o}` (the inverse log link).

        Beyond :math:`c` the exponential continues by its tangent, as in the
        loss.

        Parameters
        ----------
        o : ndarray of shape (n_samples, n_outputs)
            The network output, the log of the predicted mean.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_outputs)
            The predicted means, positive.
        """
        return self._mean_and_slope(o)[0]

    @staticmethod
    def _mean_and_slope(o):
        r""":math:`\mu(o)` and :math:`\mu'(o)`: the exponential, tangent beyond c."""
        c = np.log(np.finfo(o.dtype).max) / 4
        inside = np.exp(np.minimum(o, c))
        beyond = o > c
        if not beyond.any():
            return inside, inside
        mu = np.where(beyond, inside * (1 + (o - c)), inside)
        return mu, inside

    def validate_targets(self, y):
        """Raise ``ValueError`` if some target is negative.

        Parameters
        ----------
        y : array-like of shape (n_samples, n_outputs)
            The training targets.

        Raises
        ------
        ValueError
            If some target is negative.
        """
        if np.any(np.asarray(y) < 0):
            raise ValueError(
                "Some value(s) of y are negative which is not allowed for "
                "Poisson regression. Use loss='squared_error', or shift y."
            )


@register_loss("lp")
class LpLoss(RegressionLoss):
    r"""The :math:`\ell_p` loss :math:`\frac{1}{pk}\sum_j |o_j - y_j|^p`, :math:`p > 1`.

    Gradient :math:`|o - y|^{p-1} \operatorname{sign}(o - y) / k`. For
    :math:`p = 2` it is ``squared_error``; for :math:`p > 2` it is flat near
    its minimum (the gradient vanishes like the residual to the power
    :math:`p - 1`), the case in which Arora, Cohen & Hazan (2018) found that
    overparameterizing a linear model by depth accelerates gradient descent.

    Parameters
    ----------
    p : float, default=4.0
        The exponent, greater than 1.

    See Also
    --------
    SquaredError : The case :math:`p = 2`.
    AbsoluteError : The limit :math:`p = 1`.
    sklearn_mathdl.theory.lp_descent : Gradient descent on the linear and
        depth-2 linear models under this loss.

    References
    ----------
    S. Arora, N. Cohen and E. Hazan, "On the Optimization of Deep Networks:
    Implicit Acceleration by Overparameterization", ICML 2018
    (arXiv:1802.06509).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.regression_losses import LpLoss
    >>> y = np.array([[1.0]])
    >>> o = np.array([[3.0]])
    >>> value, grad = LpLoss(p=4).value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (4.0, [[8.0]])
    """

    def __init__(self, p=4.0):
        self.p = p

    def per_sample(self, y, o):
        p = self.p
        if isinstance(p, bool) or not isinstance(p, Real) or not p > 1 or np.isinf(p):
            raise ValueError(
                f"The lp loss needs a finite exponent p > 1, got p={p!r}; for "
                "p = 1 use loss='absolute_error'."
            )
        d = o - y
        k = o.shape[1]
        a = np.abs(d)
        power = a ** (p - 1)
        return (power * a).sum(axis=1) / (p * k), power * np.sign(d) / k
