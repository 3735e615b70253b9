r"""The training objective: a penalised loss of the network output, and its gradient.

.. math::

    J(\theta) = \frac{\sum_i w_i\, \ell(y_i, o_i(\theta))}{\sum_i w_i}
    + \frac{\alpha}{2 \sum_i w_i} \sum_l \|W_l\|_F^2 ,

with :math:`\sum_i w_i` the batch's total sample weight (its size when
unweighted), as in scikit-learn, so that ``alpha`` means the same in both
packages. One evaluation is one forward pass, one call of the loss and one
backward pass of :class:`~sklearn_mathdl.neural_network._network.DenseNetwork`.
"""


def value_and_gradient(loss, y, o, sample_weight=None):
    """Call a loss plugin's fused method if it has one, else value and gradient."""
    fused = getattr(loss, "value_and_gradient", None)
    if fused is not None:
        return fused(y, o, sample_weight)
    return (
        loss.value(y, o, sample_weight=sample_weight),
        loss.gradient(y, o, sample_weight=sample_weight),
    )


class Objective:
    """The penalised loss of a network on a batch, with its gradient.

    Parameters
    ----------
    loss : loss plugin
        Applied to the network output; errors name it by its ``repr``.
    alpha : float
        Strength of the L2 penalty on the weights (not the biases).
    """

    def __init__(self, loss, alpha):
        self.loss = loss
        self.alpha = alpha

    def __call__(self, network, X, Y, sample_weight, calls=None):
        """:math:`J` on ``(X, Y)``; its gradient is left in ``network.grad``.

        ``calls``, if given, makes every plugin call of the evaluation (the
        activations' and the loss's ``loss(loss, Y, o, sample_weight)``), so
        that a checker can inspect each output on the very same path.
        """
        output = network.forward(X, keep=True, calls=calls)
        if calls is None:
            value, grad_output = value_and_gradient(self.loss, Y, output, sample_weight)
        else:
            value, grad_output = calls.loss(self.loss, Y, output, sample_weight)
        decay = 0.0
        if self.alpha:
            total = X.shape[0] if sample_weight is None else sample_weight.sum()
            value += 0.5 * self.alpha * network.squared_weight_norm() / total
            decay = float(self.alpha / total)
        network.backward(grad_output, weight_decay=decay, calls=calls)
        return value

    def loss_value(self, network, X, Y, sample_weight):
        """The loss alone (no penalty, no gradient kept): the validation loss."""
        return value_and_gradient(self.loss, Y, network.forward(X), sample_weight)[0]
