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
    """Base class: a constant rate that stops training on a plateau."""

    def reset(self, learning_rate_init):
        self.learning_rate_init_ = float(learning_rate_init)

    def learning_rate(self, t, epoch):
        return self.learning_rate_init_

    def on_plateau(self):
        return False


@register_schedule("constant")
class Constant(Schedule):
    r""":math:`\eta_t = \eta_0`."""


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
    """

    def __init__(self, power_t=0.5, t0=1.0):
        self.power_t = power_t
        self.t0 = t0

    def learning_rate(self, t, epoch):
        return self.learning_rate_init_ / (1 + t / self.t0) ** self.power_t

    def satisfies_robbins_monro(self):
        """True iff :math:`\\sum\\eta_t = \\infty` and :math:`\\sum\\eta_t^2 < \\infty`."""
        return 0.5 < self.power_t <= 1


@register_schedule("step_decay")
class StepDecay(Schedule):
    r""":math:`\eta = \eta_0 \gamma^{\lfloor e / s \rfloor}` in epoch :math:`e`.

    Parameters
    ----------
    drop : float, default=0.5
        The factor :math:`\gamma`.
    epochs_per_drop : int, default=10
        The period :math:`s`.
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
    min_learning_rate : float, default=1e-6
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
