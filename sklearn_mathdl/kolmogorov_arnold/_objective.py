r"""The training objective of a Kolmogorov–Arnold network: the package's
penalised loss plus the paper's sparsity penalties.

.. math::

    J(\theta) = \frac{\sum_i w_i\, \ell(y_i, o_i)}{\sum_i w_i}
        + \frac{\alpha}{2 \sum_i w_i} \|\theta\|^2
        + \lambda_1 \sum_l |\Phi_l|_1 + \lambda_2 \sum_l S(\Phi_l),

the first two terms being :class:`~sklearn_mathdl.neural_network._objective.Objective`'s,
the last two those of :mod:`~sklearn_mathdl.kolmogorov_arnold._sparsity`
(Liu et al. 2024, eq. 2.20), computed by the network's forward pass on the
same batch.
"""

import numpy as np

from sklearn_mathdl.neural_network._objective import Objective


class KANObjective(Objective):
    """The penalised loss of a :class:`KANNetwork`, with its gradient.

    Parameters
    ----------
    loss : loss plugin
    alpha : float
        L2 penalty on the weights (spline coefficients, base weights, spline
        scales).
    l1_penalty, entropy_penalty : float
        :math:`\\lambda_1` and :math:`\\lambda_2`.
    """

    def __init__(self, loss, alpha, l1_penalty=0.0, entropy_penalty=0.0):
        super().__init__(loss, alpha)
        self.l1_penalty = l1_penalty
        self.entropy_penalty = entropy_penalty

    def __call__(self, network, X, Y, sample_weight, calls=None):
        """:math:`J` on ``(X, Y)``; its gradient is left in ``network.grad``."""
        if not (self.l1_penalty or self.entropy_penalty):
            return super().__call__(network, X, Y, sample_weight, calls)
        n = X.shape[0]
        weights = np.ones(n) if sample_weight is None else sample_weight
        omega = weights / weights.sum()
        network.penalties = (self.l1_penalty, self.entropy_penalty, omega)
        try:
            value = super().__call__(network, X, Y, sample_weight, calls)
        finally:
            network.penalties = None
        return value + network.penalty_value
