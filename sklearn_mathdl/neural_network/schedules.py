r"""Learning-rate schedules :math:`\eta_t` for stochastic training.

A schedule is told the initial rate by :meth:`Schedule.reset`, returns from
:meth:`Schedule.learning_rate` the rate of every update of an epoch, given
``t``, the number of training samples seen before that epoch (scikit-learn's
``t_``, counted over the whole training, across ``warm_start`` and
``partial_fit``), and ``epoch``, the number of epochs completed before it; and
may react to a plateau of the monitored loss in :meth:`Schedule.on_plateau`
(optional; return True to keep training, False to let training stop, the
behaviour of a schedule that does not define it).

Robbins–Monro conditions. Stochastic gradient descent converges (for convex
losses, to the minimiser; in general, to a stationary point) when

.. math::

    \sum_{t=1}^\infty \eta_t = \infty, \qquad \sum_{t=1}^\infty \eta_t^2 < \infty .

For the inverse-scaling schedule :math:`\eta = \eta_0 / (1 + t/t_0)^p`, held
for the :math:`n/B` updates of an epoch that starts at :math:`t = e\,n`, the sums
over updates are :math:`\tfrac{n}{B}\sum_e \eta_0 (1 + e n / t_0)^{-p}` and
:math:`\tfrac{n}{B}\sum_e \eta_0^2 (1 + e n / t_0)^{-2p}`: the first diverges
iff :math:`p \le 1` and the second converges iff :math:`p > \tfrac12`
(p-series), so both hold exactly for :math:`\tfrac12 < p \le 1`.
scikit-learn's default ``power_t=0.5`` sits on the boundary, just outside. A constant rate or step decay never satisfy both; they are practical
choices, not convergent ones (Goodfellow, Bengio & Courville 2016, §8.3.1).
"""

import math

from sklearn_mathdl.plugins import register_schedule
from sklearn_mathdl.plugins._base import Plugin


class Schedule(Plugin):
    """Base class: a constant rate that stops training on a plateau.

    A subclass overrides :meth:`learning_rate`, and :meth:`reset` and
    :meth:`on_plateau` if it keeps a state or adapts to the loss.

    See Also
    --------
    InverseScaling : Rate decaying as a power of the samples seen.
    ReduceOnPlateau : Rate divided at each plateau of the loss.
    sklearn_mathdl.plugins.register_schedule : Register a schedule by name.

    Examples
    --------
    >>> from sklearn_mathdl.neural_network.schedules import Schedule
    >>> schedule = Schedule()
    >>> schedule.reset(0.01)
    >>> schedule.learning_rate(t=1000, epoch=5)
    0.01
    >>> schedule.on_plateau()
    False
    """

    def reset(self, learning_rate_init):
        """Start a training with the initial rate :math:`\\eta_0`.

        Parameters
        ----------
        learning_rate_init : float
            The initial learning rate :math:`\\eta_0`, stored as
            ``learning_rate_init_``.
        """
        self.learning_rate_init_ = float(learning_rate_init)

    def learning_rate(self, t, epoch):
        """Return the learning rate of the updates of an epoch.

        Parameters
        ----------
        t : int
            Number of training samples seen before the current epoch, over
            the whole training.
        epoch : int
            Number of epochs completed before the current one.

        Returns
        -------
        learning_rate : float
            The rate :math:`\\eta` of every update of the epoch.
        """
        return self.learning_rate_init_

    def on_plateau(self):
        """React to a plateau of the monitored loss.

        Returns
        -------
        keep_training : bool
            True to keep training (e.g. with a reduced rate), False to let
            training stop. The base class returns False.
        """
        return False


@register_schedule("constant")
class Constant(Schedule):
    r""":math:`\eta_t = \eta_0`.

    scikit-learn's ``learning_rate="constant"``; training stops at the first
    plateau of the loss.

    See Also
    --------
    InverseScaling : Decaying rate satisfying Robbins–Monro for
        :math:`\tfrac12 < p \le 1`.
    ReduceOnPlateau : Rate reduced at each plateau.

    Examples
    --------
    >>> from sklearn_mathdl.neural_network.schedules import Constant
    >>> schedule = Constant()
    >>> schedule.reset(0.1)
    >>> schedule.learning_rate(t=500, epoch=3)
    0.1
    """


@register_schedule("invscaling", "inverse_scaling")
class InverseScaling(Schedule):
    r""":math:`\eta = \eta_0 / (1 + t / t_0)^p`, ``t`` the samples seen before the epoch.

    With the defaults this is scikit-learn's ``learning_rate="invscaling"``,
    :math:`\eta_0 / (t + 1)^{0.5}`. Satisfies the Robbins–Monro conditions
    exactly when :math:`\tfrac12 < p \le 1`.

    Parameters
    ----------
    power_t : float, default=0.5
        The exponent :math:`p` (scikit-learn's ``power_t``).
    t0 : float, default=1.0
        Number of samples over which the rate halves (for p = 1).

    See Also
    --------
    Constant : Constant rate.
    StepDecay : Rate multiplied by a factor every few epochs.

    Examples
    --------
    >>> from sklearn_mathdl.neural_network.schedules import InverseScaling
    >>> schedule = InverseScaling(power_t=0.5)
    >>> schedule.reset(0.1)
    >>> schedule.learning_rate(t=3, epoch=1)
    0.05
    >>> schedule.satisfies_robbins_monro()
    False
    """

    def __init__(self, power_t=0.5, t0=1.0):
        self.power_t = power_t
        self.t0 = t0

    def learning_rate(self, t, epoch):
        return self.learning_rate_init_ / (1 + t / self.t0) ** self.power_t

    def satisfies_robbins_monro(self):
        """Tell whether the schedule satisfies the Robbins–Monro conditions.

        Returns
        -------
        satisfies : bool
            True iff :math:`\\sum\\eta_t = \\infty` and
            :math:`\\sum\\eta_t^2 < \\infty`, that is iff
            :math:`\\tfrac12 < p \\le 1`.
        """
        return 0.5 < self.power_t <= 1


@register_schedule("step_decay")
class StepDecay(Schedule):
    r""":math:`\eta = \eta_0 \gamma^{\lfloor e / s \rfloor}` in epoch :math:`e`.

    The rate is multiplied by :math:`\gamma` every :math:`s` epochs; training
    stops at the first plateau of the loss.

    Parameters
    ----------
    drop : float, default=0.5
        The factor :math:`\gamma`.
    epochs_per_drop : int, default=10
        The period :math:`s`.

    See Also
    --------
    InverseScaling : Rate decaying as a power of the samples seen.
    ReduceOnPlateau : Rate reduced when the loss plateaus.

    Examples
    --------
    >>> from sklearn_mathdl.neural_network.schedules import StepDecay
    >>> schedule = StepDecay(drop=0.5, epochs_per_drop=10)
    >>> schedule.reset(0.1)
    >>> schedule.learning_rate(t=0, epoch=25)
    0.025
    """

    def __init__(self, drop=0.5, epochs_per_drop=10):
        self.drop = drop
        self.epochs_per_drop = epochs_per_drop

    def learning_rate(self, t, epoch):
        return self.learning_rate_init_ * self.drop ** math.floor(
            epoch / self.epochs_per_drop
        )


@register_schedule("adaptive", "reduce_on_plateau")
class ReduceOnPlateau(Schedule):
    """Keep the rate until the loss plateaus, then multiply it by ``factor``.

    At a plateau, training stops if the rate is already at most
    ``min_learning_rate``, else the rate is multiplied by ``factor``: exactly
    scikit-learn's ``learning_rate='adaptive'`` (divide by 5, stop at 1e-6).

    Parameters
    ----------
    factor : float, default=0.2
        Factor by which the rate is multiplied at each plateau.
    min_learning_rate : float, default=1e-6
        Rate at or below which a plateau stops training.

    See Also
    --------
    StepDecay : Rate reduced on a fixed timetable.
    Constant : Constant rate, stopping at the first plateau.

    Examples
    --------
    >>> from sklearn_mathdl.neural_network.schedules import ReduceOnPlateau
    >>> schedule = ReduceOnPlateau(factor=0.5)
    >>> schedule.reset(0.1)
    >>> schedule.on_plateau()
    True
    >>> schedule.learning_rate(t=0, epoch=1)
    0.05
    """

    def __init__(self, factor=0.2, min_learning_rate=1e-6):
        self.factor = factor
        self.min_learning_rate = min_learning_rate

    def reset(self, learning_rate_init):
        super().reset(learning_rate_init)
        self.current_ = self.learning_rate_init_

    def learning_rate(self, t, epoch):
        return self.current_

    def on_plateau(self):
        if self.current_ <= self.min_learning_rate:
            return False
        self.current_ *= self.factor
        return True
