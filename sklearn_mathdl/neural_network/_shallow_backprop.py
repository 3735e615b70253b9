r"""Backpropagation for the shallow approximator: one function, one network.

:func:`fit_backprop` trains every weight of a one-hidden-layer
:class:`~sklearn_mathdl.neural_network._network.DenseNetwork` in place, on

.. math::

    \frac{1}{2}\sum_i \omega_i \|y_i - G(x_i)\|^2
    + \frac{\alpha}{2 \sum_i s_i} \big(\|W_1\|^2 + \|W_2\|^2\big),
    \qquad \omega_i = s_i / \textstyle\sum_j s_j ,

by the package's one trainer (the MLPs'), started from the network's
current weights: no nested estimator, the weights stay where they are. Ctrl-C follows the package's policy: the
``KeyboardInterrupt`` propagates (the estimator's transaction then undoes the
whole fit).
"""

import types
import warnings

from sklearn.exceptions import ConvergenceWarning

from sklearn_mathdl.neural_network._minibatches import TrainingData
from sklearn_mathdl.neural_network._objective import Objective
from sklearn_mathdl.neural_network._reporting import Report
from sklearn_mathdl.neural_network._stopping import StoppingRule, start_record
from sklearn_mathdl.neural_network._trainer import Trainer
from sklearn_mathdl.plugins import get_loss, get_optimizer, get_schedule
from sklearn_mathdl.utils._threads import blas_threads

# MLPRegressor's defaults, which the backprop fit has always used.
_N_ITER_NO_CHANGE = 10
_MAX_BATCH = 200


def fit_backprop(
    network,
    X,
    Y,
    sample_weight,
    *,
    solver,
    alpha,
    max_iter,
    tol,
    learning_rate_init,
    batch_size,
    random_state,
    verbose,
):
    """Train ``network`` (layers ``(d, n, m)``, identity output) in place.

    The shared :class:`~sklearn_mathdl.neural_network._trainer.Trainer` runs
    on this network directly: squared error, the L2 penalty ``alpha``,
    ``solver``'s optimizer with its default hyper-parameters, a constant
    learning rate, scikit-learn's stopping rule (``tol``, 10 epochs without
    improvement).

    Parameters
    ----------
    network : DenseNetwork
        The starting weights; trained in place.
    X : {ndarray, sparse matrix} of shape (n_samples, d)
        Training inputs, float64.
    Y : ndarray of shape (n_samples, m)
        Targets, float64.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the squared errors.
    solver, alpha, max_iter, tol, learning_rate_init, batch_size, random_state, verbose
        As in :class:`~sklearn_mathdl.neural_network.MLPRegressor`; a capped
        iteration count is the caller's choice, so no ConvergenceWarning.

    Returns
    -------
    n_iter : int
        Iterations (L-BFGS) or epochs run.
    loss_curve : list of float
        The penalised loss after each of them.
    """
    optimizer = get_optimizer(solver)
    n_samples = X.shape[0]
    if optimizer.full_batch:
        batch = n_samples
    else:
        optimizer.initialize(network.params)
        batch = min(_MAX_BATCH if batch_size == "auto" else batch_size, n_samples)
    schedule = get_schedule("constant")
    schedule.reset(learning_rate_init)
    trainer = Trainer(
        Objective(get_loss("squared_error"), alpha),
        optimizer,
        schedule,
        stopping=StoppingRule(tol, _N_ITER_NO_CHANGE),
        report=Report(None, None, verbose),
        batch_size=batch,
        random_state=random_state,
        learning_rate_init=learning_rate_init,
    )
    data = TrainingData(X, Y, sample_weight)
    record = types.SimpleNamespace()
    start_record(record, early_stopping=False)
    with warnings.catch_warnings(), blas_threads():
        warnings.simplefilter("ignore", ConvergenceWarning)
        trainer.check_plugins(network, data)
        if optimizer.full_batch:
            trainer.train_full_batch(network, data, record, max_iter, tol)
        else:
            trainer.train_epochs(network, data, record, max_iter)
    return record.n_iter_, list(record.loss_curve_)
