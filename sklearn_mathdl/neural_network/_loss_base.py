"""The loss plugin protocol: :class:`Loss`, :class:`ClassificationLoss`,
:class:`SoftmaxLoss`, and the table of Janocha & Czarnecki (2017) (see
:mod:`~sklearn_mathdl.neural_network.losses`)."""

import numpy as np

from sklearn_mathdl.neural_network._softmax import (
    log_softmax,
    log_softmax_vjp,
    softmax,
    softmax_vjp,
)
from sklearn_mathdl.plugins._base import Plugin

#: The registered names of the twelve losses of Janocha & Czarnecki's table,
#: in the table's order.


JANOCHA_CZARNECKI_TABLE = (
    "l1",
    "l2",
    "expectation",
    "regularised_expectation",
    "chebyshev",
    "hinge",
    "squared_hinge",
    "cubed_hinge",
    "log",
    "squared_log",
    "tanimoto",
    "cauchy_schwarz",
)


class Loss(Plugin):
    """Base class: subclasses implement :meth:`per_sample`.

    ``per_sample(y, o)`` returns the vector of per-sample losses and the matrix
    of their gradients with respect to ``o``; this class turns them into the
    weighted mean and its gradient.

    The class attribute ``task`` declares the estimator family a loss belongs
    to: ``"classification"`` (accepted by ``MLPClassifier`` only; the losses of
    this module, through :class:`ClassificationLoss`), ``"regression"``
    (``MLPRegressor`` only; :mod:`~sklearn_mathdl.neural_network.regression_losses`)
    or None, undeclared, accepted by both. A plugin that does not subclass
    :class:`Loss` declares it the same way, or not at all.

    See Also
    --------
    ClassificationLoss : Base class of the losses of class targets.
    sklearn_mathdl.neural_network.regression_losses.RegressionLoss : Base class
        of the losses of real targets.
    sklearn_mathdl.utils.check_loss : Check a loss plugin's gradient.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import ClassificationLoss
    >>> from sklearn_mathdl.utils import check_loss
    >>> class HalfL2(ClassificationLoss):
    ...     def per_sample(self, y, o):
    ...         d = o - y
    ...         return 0.5 * (d * d).sum(axis=1), d
    >>> check_loss(HalfL2())  # silent: the gradient is right
    >>> HalfL2().value(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]]))
    0.5
    """

    task = None

    def per_sample(self, y, o):
        """Compute the per-sample losses and their gradients (the plugin contract).

        Subclasses implement this method; :meth:`value_and_gradient` turns
        its result into the weighted mean and its gradient.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets (one-hot rows for classification losses).
        o : ndarray of shape (n_samples, n_outputs)
            The network output.

        Returns
        -------
        losses : ndarray of shape (n_samples,)
            The per-sample losses :math:`\\ell(y_i, o_i)`.
        grads : ndarray of shape (n_samples, n_outputs)
            Their gradients :math:`\\partial\\ell(y_i, o_i)/\\partial o_i`, one
            row per sample.
        """
        raise NotImplementedError

    def value_and_gradient(self, y, o, sample_weight=None):
        """Compute the weighted mean loss and its gradient with respect to ``o``.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets.
        o : ndarray of shape (n_samples, n_outputs)
            The network output.
        sample_weight : ndarray of shape (n_samples,), default=None
            Weights :math:`w_i` of the samples; None weighs them equally.

        Returns
        -------
        value : float
            The weighted mean :math:`\\sum_i w_i \\ell(y_i, o_i) / \\sum_i w_i`.
        gradient : ndarray of shape (n_samples, n_outputs)
            Its gradient with respect to ``o``.
        """
        losses, grads = self.per_sample(y, o)
        if sample_weight is None:
            n = o.shape[0]
            return float(losses.sum()) / n, grads / n
        weights = sample_weight / sample_weight.sum()
        return float(weights @ losses), grads * weights[:, None].astype(o.dtype)

    def value(self, y, o, sample_weight=None):
        """Compute the weighted mean loss.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets.
        o : ndarray of shape (n_samples, n_outputs)
            The network output.
        sample_weight : ndarray of shape (n_samples,), default=None
            Weights :math:`w_i` of the samples; None weighs them equally.

        Returns
        -------
        value : float
            The weighted mean :math:`\\sum_i w_i \\ell(y_i, o_i) / \\sum_i w_i`.
        """
        return self.value_and_gradient(y, o, sample_weight)[0]

    def gradient(self, y, o, sample_weight=None):
        """Compute the gradient of the weighted mean loss with respect to ``o``.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets.
        o : ndarray of shape (n_samples, n_outputs)
            The network output.
        sample_weight : ndarray of shape (n_samples,), default=None
            Weights :math:`w_i` of the samples; None weighs them equally.

        Returns
        -------
        gradient : ndarray of shape (n_samples, n_outputs)
            The gradient of :meth:`value` with respect to ``o``.
        """
        return self.value_and_gradient(y, o, sample_weight)[1]

    def predict_proba(self, o):
        """Compute the class probabilities :math:`\\operatorname{softmax}(o)`.

        Parameters
        ----------
        o : ndarray of shape (n_samples, n_outputs)
            The network output.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_outputs)
            The class probabilities, rows summing to one.
        """
        return softmax(o)

    def single_output_loss(self):
        """Return the loss to apply to one output per binary label, or None.

        None (the default) gives each binary label a two-class group of
        outputs, to which the loss applies unchanged. The log loss returns
        :class:`BinaryLogLoss`: one logistic output per label, as scikit-learn.

        Returns
        -------
        loss : Loss or None
            The loss of one output per binary label, or None for a two-class
            group of outputs per label.
        """
        return None


class ClassificationLoss(Loss):
    """Base class of the losses of class targets (``task = "classification"``).

    ``MLPClassifier`` accepts the losses deriving from it and ``MLPRegressor``
    refuses them. Subclasses implement :meth:`~Loss.per_sample`.

    See Also
    --------
    Loss : Base class of all losses.
    SoftmaxLoss : Base class of the losses of :math:`\\operatorname{softmax}(o)`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import ClassificationLoss
    >>> class HalfL2(ClassificationLoss):
    ...     def per_sample(self, y, o):
    ...         d = o - y
    ...         return 0.5 * (d * d).sum(axis=1), d
    >>> HalfL2.task
    'classification'
    >>> HalfL2().value(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]]))
    0.5
    """

    task = "classification"


class SoftmaxLoss(ClassificationLoss):
    r"""A loss of :math:`\sigma = \operatorname{softmax}(o)`.

    Subclasses implement ``of_softmax(y, s, log_s)`` returning the per-sample
    losses and :math:`\partial\ell/\partial\sigma`, or set
    ``gradient_wrt_log = True`` to return :math:`\partial\ell/\partial\log\sigma`.

    See Also
    --------
    LogLoss : Categorical cross-entropy, a loss of :math:`\sigma`.
    ExpectationLoss : :math:`\|y - \sigma\|_1`, a loss of :math:`\sigma`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.losses import SoftmaxLoss
    >>> from sklearn_mathdl.utils import check_loss
    >>> class HalfBrier(SoftmaxLoss):
    ...     def of_softmax(self, y, s, log_s):
    ...         d = s - y
    ...         return 0.5 * (d * d).sum(axis=1), d
    >>> check_loss(HalfBrier())  # silent: the softmax Jacobian is applied
    >>> HalfBrier().value(np.array([[0.0, 1.0]]), np.array([[0.0, 0.0]]))
    0.25
    """

    gradient_wrt_log = False

    def of_softmax(self, y, s, log_s):
        r"""Compute the per-sample losses of :math:`\sigma` and their gradients.

        Subclasses implement this method; :meth:`per_sample` applies the
        softmax Jacobian to the gradient.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets (one-hot rows).
        s : ndarray of shape (n_samples, n_outputs)
            The softmax :math:`\sigma = \operatorname{softmax}(o)` of the
            network output.
        log_s : ndarray of shape (n_samples, n_outputs)
            Its logarithm :math:`\log\sigma`, computed as ``o - logsumexp(o)``.

        Returns
        -------
        losses : ndarray of shape (n_samples,)
            The per-sample losses.
        grads : ndarray of shape (n_samples, n_outputs)
            Their gradients :math:`\partial\ell/\partial\sigma`, or
            :math:`\partial\ell/\partial\log\sigma` if
            ``gradient_wrt_log`` is True.
        """
        raise NotImplementedError

    def per_sample(self, y, o):
        log_s = log_softmax(o)
        s = np.exp(log_s)
        losses, g = self.of_softmax(y, s, log_s)
        if self.gradient_wrt_log:
            return losses, log_softmax_vjp(s, g)
        return losses, softmax_vjp(s, g)
