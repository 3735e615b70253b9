r"""Classification losses: the table of Janocha & Czarnecki (2017).

Each loss compares a target row :math:`y` (one-hot, or the two-class encoding
of a binary/multilabel target) with the network output :math:`o`; the
probabilistic ones use :math:`\sigma = \operatorname{softmax}(o)`, and
:math:`\hat y = 2y - 1 \in \{-1, +1\}` for the hinge family (margin ½).

=========================  =====================================================
name                       per-sample loss :math:`\ell(y, o)`
=========================  =====================================================
``l1``                     :math:`\|y - o\|_1`
``l2``                     :math:`\|y - o\|_2^2`
``expectation``            :math:`\|y - \sigma\|_1`
``regularised_expectation``:math:`\|y - \sigma\|_2^2`
``chebyshev``              :math:`\max_j |\sigma_j - y_j|`
``hinge``                  :math:`\sum_j \max(0, \tfrac12 - \hat y_j o_j)`
``squared_hinge``          :math:`\sum_j \max(0, \tfrac12 - \hat y_j o_j)^2`
``cubed_hinge``            :math:`\sum_j \max(0, \tfrac12 - \hat y_j o_j)^3`
``log`` (default)          :math:`-\sum_j y_j \log \sigma_j`
``squared_log``            :math:`\sum_j y_j (\log \sigma_j)^2`
``tanimoto``               :math:`-\frac{\langle \sigma, y\rangle}{\|\sigma\|^2 + \|y\|^2 - \langle \sigma, y\rangle}`
``cauchy_schwarz``         :math:`-\log \frac{\langle \sigma, y\rangle}{\|\sigma\|_2 \|y\|_2}`
=========================  =====================================================

Every loss here declares ``task = "classification"`` (through
:class:`ClassificationLoss`): ``MLPClassifier`` accepts it, ``MLPRegressor``
refuses it. On binary and multilabel targets the log loss is applied as
:class:`BinaryLogLoss`, one logistic output per label (scikit-learn's
network); the other losses get a two-class group of outputs per label.

A loss plugin has ``value(y, o, sample_weight=None)``, the weighted mean
:math:`\sum_i w_i \ell(y_i, o_i) / \sum_i w_i`, and ``gradient(y, o,
sample_weight=None)``, its gradient with respect to ``o``. Losses of
:math:`\sigma` compute :math:`g = \partial\ell/\partial\sigma` (or
:math:`\partial\ell/\partial\log\sigma`) and apply the softmax Jacobian
:math:`S_j(\delta_{jj'} - S_{j'})`: :math:`\partial\ell/\partial o = \sigma \odot
(g - \langle g, \sigma\rangle)`, respectively :math:`g - \sigma \sum_j g_j`.
:math:`\log\sigma` is computed as ``o - logsumexp(o)``, so every loss stays
finite at :math:`|o| = 10^4`.

References
----------
K. Janocha and W. M. Czarnecki, "On Loss Functions for Deep Neural Networks in
Classification", Schedae Informaticae 25, 2016 (arXiv:1702.05659).
"""

import numpy as np
from scipy.special import expit, xlogy

from sklearn_mathdl.neural_network._fused import log_loss_rows

#: The registered names of the twelve losses of Janocha & Czarnecki's table,
#: in the table's order.
from sklearn_mathdl.neural_network._loss_base import (
    JANOCHA_CZARNECKI_TABLE,
    ClassificationLoss,
    Loss,
    SoftmaxLoss,
)
from sklearn_mathdl.plugins import register_loss

__all__ = [
    "JANOCHA_CZARNECKI_TABLE",
    "Loss",
    "ClassificationLoss",
    "SoftmaxLoss",
    "L1Loss",
    "L2Loss",
    "ExpectationLoss",
    "RegularisedExpectationLoss",
    "ChebyshevLoss",
    "HingeLoss",
    "SquaredHingeLoss",
    "CubedHingeLoss",
    "LogLoss",
    "BinaryLogLoss",
    "SquaredLogLoss",
    "TanimotoLoss",
    "CauchySchwarzLoss",
]


@register_loss("l1")
class L1Loss(ClassificationLoss):
    r""":math:`\|y - o\|_1`, gradient :math:`\operatorname{sign}(o - y)`.

    The L1 distance between the target row and the raw output (no softmax).

    See Also
    --------
    L2Loss : Squared L2 distance between target and output.
    ExpectationLoss : L1 distance between target and softmax.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import L1Loss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = L1Loss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (1.0, [[0.0, -1.0]])
    """

    def per_sample(self, y, o):
        d = o - y
        return np.abs(d).sum(axis=1), np.sign(d)


@register_loss("l2")
class L2Loss(ClassificationLoss):
    r""":math:`\|y - o\|_2^2`, gradient :math:`2(o - y)`.

    The squared L2 distance between the target row and the raw output (no
    softmax).

    See Also
    --------
    L1Loss : L1 distance between target and output.
    RegularisedExpectationLoss : Squared L2 distance between target and
        softmax.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import L2Loss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = L2Loss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (1.0, [[0.0, -2.0]])
    """

    def per_sample(self, y, o):
        d = o - y
        return (d * d).sum(axis=1), 2 * d


@register_loss("expectation")
class ExpectationLoss(SoftmaxLoss):
    r""":math:`\|y - \sigma\|_1`; :math:`\partial\ell/\partial\sigma = \operatorname{sign}(\sigma - y)`.

    The L1 distance between the target row and the softmax of the output;
    for a one-hot target it equals :math:`2(1 - \sigma_y)`.

    See Also
    --------
    L1Loss : L1 distance between target and raw output.
    RegularisedExpectationLoss : Squared L2 distance between target and
        softmax.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import ExpectationLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = ExpectationLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (1.0, [[0.5, -0.5]])
    """

    def of_softmax(self, y, s, log_s):
        d = s - y
        return np.abs(d).sum(axis=1), np.sign(d)


@register_loss("regularised_expectation", "regularized_expectation")
class RegularisedExpectationLoss(SoftmaxLoss):
    r""":math:`\|y - \sigma\|_2^2`; :math:`\partial\ell/\partial\sigma = 2(\sigma - y)`.

    The squared L2 distance between the target row and the softmax of the
    output (the Brier score).

    See Also
    --------
    ExpectationLoss : L1 distance between target and softmax.
    L2Loss : Squared L2 distance between target and raw output.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import RegularisedExpectationLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = RegularisedExpectationLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (0.5, [[0.5, -0.5]])
    """

    def of_softmax(self, y, s, log_s):
        d = s - y
        return (d * d).sum(axis=1), 2 * d


@register_loss("chebyshev")
class ChebyshevLoss(SoftmaxLoss):
    r""":math:`\max_j |\sigma_j - y_j|`; the gradient flows through the arg-max entry only.

    The L-infinity distance between the target row and the softmax of the
    output: :math:`\partial\ell/\partial\sigma` is
    :math:`\operatorname{sign}(\sigma_j - y_j)` at the entry of largest
    deviation and 0 elsewhere.

    See Also
    --------
    ExpectationLoss : L1 distance between target and softmax.
    RegularisedExpectationLoss : Squared L2 distance between target and
        softmax.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import ChebyshevLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = ChebyshevLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (0.5, [[0.25, -0.25]])
    """

    def of_softmax(self, y, s, log_s):
        d = s - y
        j = np.abs(d).argmax(axis=1)[:, None]
        worst = np.take_along_axis(d, j, axis=1)
        g = np.zeros_like(d)
        np.put_along_axis(g, j, np.sign(worst), axis=1)
        return np.abs(worst[:, 0]), g


class _HingeFamily(ClassificationLoss):
    r""":math:`\sum_j \max(0, \tfrac12 - \hat y_j o_j)^p` with :math:`\hat y = 2y - 1`.

    Gradient :math:`-p\,\hat y_j \max(0, \tfrac12 - \hat y_j o_j)^{p-1}`.
    """

    margin = 0.5
    power = 1

    def per_sample(self, y, o):
        sign = 2 * y - 1
        slack = np.maximum(self.margin - sign * o, 0)
        if self.power == 1:
            return slack.sum(axis=1), -sign * (slack > 0)
        return (
            (slack**self.power).sum(axis=1),
            -self.power * sign * slack ** (self.power - 1),
        )


@register_loss("hinge")
class HingeLoss(_HingeFamily):
    r""":math:`\sum_j \max(0, \tfrac12 - \hat y_j o_j)`.

    With :math:`\hat y = 2y - 1`, margin ½, and gradient :math:`-\hat y_j`
    where :math:`\hat y_j o_j < \tfrac12`, 0 elsewhere.

    See Also
    --------
    SquaredHingeLoss : Squared hinge loss.
    CubedHingeLoss : Cubed hinge loss.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import HingeLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = HingeLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (1.0, [[1.0, -1.0]])
    """

    power = 1


@register_loss("squared_hinge")
class SquaredHingeLoss(_HingeFamily):
    r""":math:`\sum_j \max(0, \tfrac12 - \hat y_j o_j)^2`.

    With :math:`\hat y = 2y - 1`, margin ½, and gradient
    :math:`-2\hat y_j \max(0, \tfrac12 - \hat y_j o_j)`.

    See Also
    --------
    HingeLoss : Hinge loss.
    CubedHingeLoss : Cubed hinge loss.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import SquaredHingeLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = SquaredHingeLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (0.5, [[1.0, -1.0]])
    """

    power = 2


@register_loss("cubed_hinge")
class CubedHingeLoss(_HingeFamily):
    r""":math:`\sum_j \max(0, \tfrac12 - \hat y_j o_j)^3`.

    With :math:`\hat y = 2y - 1`, margin ½, and gradient
    :math:`-3\hat y_j \max(0, \tfrac12 - \hat y_j o_j)^2`.

    See Also
    --------
    HingeLoss : Hinge loss.
    SquaredHingeLoss : Squared hinge loss.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import CubedHingeLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = CubedHingeLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (0.25, [[0.75, -0.75]])
    """

    power = 3


@register_loss("log", "log_loss", "cross_entropy")
class LogLoss(SoftmaxLoss):
    r"""Categorical cross-entropy :math:`-\sum_j y_j \log\sigma_j`.

    :math:`\partial\ell/\partial\log\sigma = -y`, hence the familiar
    :math:`\partial\ell/\partial o = \sigma \sum_j y_j - y`.

    See Also
    --------
    BinaryLogLoss : Binary cross-entropy of one logistic output per label.
    SquaredLogLoss : Squared log loss of the softmax.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import LogLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = LogLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (0.6931, [[0.5, -0.5]])
    """

    gradient_wrt_log = True

    def of_softmax(self, y, s, log_s):
        return -(y * log_s).sum(axis=1), -y

    def per_sample(self, y, o):
        r"""Fused: one exponential and no :math:`\log\sigma` matrix.

        With :math:`u = o - \max_j o_j`, :math:`Z = \sum_j e^{u_j}` and
        :math:`c = \sum_j y_j`: :math:`\ell = c \log Z - \langle y, u\rangle`
        and :math:`\partial\ell/\partial o = e^{u} c / Z - y`.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets (one-hot rows).
        o : ndarray of shape (n_samples, n_outputs)
            The network output.

        Returns
        -------
        losses : ndarray of shape (n_samples,)
            The per-sample cross-entropies.
        grads : ndarray of shape (n_samples, n_outputs)
            Their gradients :math:`\partial\ell/\partial o`.
        """
        if type(self).of_softmax is not LogLoss.of_softmax:
            return super().per_sample(y, o)  # a subclass redefines the loss
        return log_loss_rows(y, o)  # compiled with numba, or its numpy formula

    def single_output_loss(self):
        """Return :class:`BinaryLogLoss`, unless a subclass redefines the loss.

        Returns
        -------
        loss : BinaryLogLoss or None
            The binary log loss of one logistic output per label, or None if
            a subclass redefines ``of_softmax`` or ``per_sample``.
        """
        if (
            type(self).of_softmax is LogLoss.of_softmax
            and type(self).per_sample is LogLoss.per_sample
        ):
            return BinaryLogLoss()
        return None


class BinaryLogLoss(ClassificationLoss):
    r"""Binary cross-entropy of one logistic output per label (scikit-learn's).

    With :math:`p = 1/(1 + e^{-o})` applied to each output column,

    .. math::

        \ell(y, o) = -\sum_j \bigl[y_j \log p_j + (1 - y_j) \log(1 - p_j)\bigr],
        \qquad \frac{\partial \ell}{\partial o_j} = p_j - y_j .

    It is the log loss of a two-class softmax group :math:`(0, o_j)`: the
    same model with half the outputs. As in scikit-learn's
    ``binary_log_loss``, the value clips :math:`p` to
    :math:`[\varepsilon, 1 - \varepsilon]` (:math:`\varepsilon` the machine
    epsilon of the output's dtype), so it stays finite and the loss curve,
    hence the stopping rules, are scikit-learn's to rounding; the gradient is
    :math:`p - y` unclipped, also as there (the two agree wherever
    :math:`\varepsilon < p < 1 - \varepsilon`). ``MLPClassifier`` applies it
    for the default ``loss="log"`` on binary and multilabel targets.

    See Also
    --------
    LogLoss : Categorical cross-entropy of the softmax.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import BinaryLogLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = BinaryLogLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (1.3863, [[0.5, -0.5]])
    >>> BinaryLogLoss().predict_proba(np.array([[0.0, 2.0]])).round(4).tolist()
    [[0.5, 0.8808]]
    """

    out_activation = "logistic"

    def per_sample(self, y, o):
        p = expit(o)
        eps = np.finfo(p.dtype).eps
        clipped = np.clip(p, eps, 1 - eps)
        values = xlogy(y, clipped) + xlogy(1 - y, 1 - clipped)
        return -values.sum(axis=1), p - y

    def predict_proba(self, o):
        """Compute the per-label probabilities :math:`p = 1/(1 + e^{-o})`.

        Parameters
        ----------
        o : ndarray of shape (n_samples, n_labels)
            The network output, one logistic output per label.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels)
            The probability of each label being positive.
        """
        return expit(o)

    def single_output_loss(self):
        """Return itself: it is the loss of one output per label.

        Returns
        -------
        loss : BinaryLogLoss
            This loss.
        """
        return self


@register_loss("squared_log")
class SquaredLogLoss(SoftmaxLoss):
    r""":math:`\sum_j y_j (\log\sigma_j)^2`; :math:`\partial\ell/\partial\log\sigma = 2 y \log\sigma`.

    Janocha & Czarnecki write :math:`-\sum_j [y_j \log\sigma_j]^2`; for one-hot
    targets that is this loss up to the sign, and minimising the printed sign
    would drive :math:`\sigma_y \to 0`, so the sign is taken as a typo.

    See Also
    --------
    LogLoss : Categorical cross-entropy of the softmax.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import SquaredLogLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = SquaredLogLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.round(4).tolist()
    (0.4805, [[0.6931, -0.6931]])
    """

    gradient_wrt_log = True

    def of_softmax(self, y, s, log_s):
        return (y * log_s * log_s).sum(axis=1), 2 * y * log_s


@register_loss("tanimoto")
class TanimotoLoss(SoftmaxLoss):
    r""":math:`-a/D` with :math:`a = \langle\sigma, y\rangle`, :math:`D = \|\sigma\|^2 + \|y\|^2 - a`.

    Quotient rule: :math:`\partial\ell/\partial\sigma = -(y D - a (2\sigma - y)) / D^2`.

    See Also
    --------
    CauchySchwarzLoss : Negative log cosine similarity of softmax and target.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import TanimotoLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = TanimotoLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (-0.5, [[0.375, -0.375]])
    """

    def of_softmax(self, y, s, log_s):
        a = (s * y).sum(axis=1, keepdims=True)
        D = (s * s).sum(axis=1, keepdims=True) + (y * y).sum(axis=1, keepdims=True) - a
        return -(a / D)[:, 0], -(y * D - a * (2 * s - y)) / (D * D)


@register_loss("cauchy_schwarz")
class CauchySchwarzLoss(SoftmaxLoss):
    r""":math:`-\log\langle\sigma, y\rangle + \tfrac12\log\|\sigma\|^2 + \log\|y\|`.

    All three terms are log-sum-exps of :math:`\log\sigma`, so
    :math:`\partial\ell/\partial\log\sigma_j = -(r_j - q_j)` with
    :math:`r = \operatorname{softmax}(\log\sigma + \log y)` and
    :math:`q = \operatorname{softmax}(2\log\sigma)`: finite for any ``o``.

    See Also
    --------
    TanimotoLoss : Negative Tanimoto coefficient of softmax and target.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import CauchySchwarzLoss
    >>> y = np.array([[0.0, 1.0]])
    >>> o = np.array([[0.0, 0.0]])
    >>> value, grad = CauchySchwarzLoss().value_and_gradient(y, o)
    >>> round(value, 4), grad.tolist()
    (0.3466, [[0.5, -0.5]])
    """

    gradient_wrt_log = True

    def of_softmax(self, y, s, log_s):
        positive = y > 0
        log_y = np.log(np.where(positive, y, 1))
        t = np.where(positive, log_s + log_y, -np.inf)
        lse_t, r = _logsumexp_and_softmax(t)
        lse_q, q = _logsumexp_and_softmax(2 * log_s)
        norm_y = 0.5 * np.log((y * y).sum(axis=1))
        return -(lse_t - 0.5 * lse_q - norm_y), -(r - q)


def _logsumexp_and_softmax(t):
    m = t.max(axis=1, keepdims=True)
    e = np.exp(t - m)
    total = e.sum(axis=1, keepdims=True)
    return (m + np.log(total))[:, 0], e / total
