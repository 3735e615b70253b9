"""When stochastic training stops: patience on a plateau, and early stopping.

scikit-learn's rules, to the letter. An epoch *improves* if its training loss
is at most ``best_loss_ - tol`` (with early stopping: if its validation score
is at least ``best_validation_score_ + tol``). After more than
``n_iter_no_change`` consecutive epochs without improvement the schedule's
optional ``on_plateau()`` decides: True lowers the rate and training goes on,
False (or no such method) stops it.
"""

import numpy as np

from sklearn_mathdl.neural_network._objective import value_and_gradient


class Validation:
    """Held-out data, scored after every epoch for early stopping.

    Parameters
    ----------
    X, Y : ndarray
        Held-out inputs and encoded targets.
    sample_weight : ndarray or None
    score : callable
        ``score(output)``: the estimator's score of the network output on the
        held-out samples (higher is better; NaN for a non-finite output).
    """

    def __init__(self, X, Y, sample_weight, score):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.score = score

    def evaluate(self, loss, network):
        """The held-out loss (without penalty), its gradient and the score."""
        output = network.forward(self.X)
        value, grad = value_and_gradient(loss, self.Y, output, self.sample_weight)
        return value, grad, self.score(output)


class StoppingRule:
    """Patience of stochastic training, and the best weights of early stopping.

    Parameters
    ----------
    tol : float
        Minimum improvement that resets the patience counter.
    n_iter_no_change : int or np.inf
        Epochs without improvement tolerated before the plateau rule applies.
    """

    def __init__(self, tol, n_iter_no_change):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change

    def record_epoch(self, record, loss, score, network):
        """Update the bests and the patience counter of ``record``.

        ``score`` is the validation score, or None without early stopping;
        with it, the weights of the best score are kept in
        ``record._best_params``.
        """
        if score is None:
            improved = loss <= record.best_loss_ - self.tol
            record.best_loss_ = min(record.best_loss_, loss)
        else:
            improved = score >= record.best_validation_score_ + self.tol
            if score > record.best_validation_score_:
                record.best_validation_score_ = score
                record._best_params = network.params.copy()
                record._best_epoch = record.n_iter_
        record._no_improvement_count = (
            0 if improved else record._no_improvement_count + 1
        )

    def plateau(self, record, schedule, monitored, say):
        """Why training stops at a plateau, or None to go on.

        ``monitored`` names what the patience watches; ``say`` reports a
        reduced learning rate.
        """
        if record._no_improvement_count <= self.n_iter_no_change:
            return None
        plateau = (
            f"{monitored} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        on_plateau = getattr(schedule, "on_plateau", None)  # optional
        if on_plateau is not None and on_plateau():
            record._no_improvement_count = 0
            rate = schedule.learning_rate(record._schedule_t, record._n_epochs)
            say(f"{plateau} Setting learning rate to {rate:f}")
            return None
        return f"{plateau} Stopping (patience n_iter_no_change)."

    @staticmethod
    def restore_best(record, network, say):
        """Early stopping's end: the weights of the best validation score."""
        if record._best_params is None:
            return
        network.params[...] = record._best_params
        say(
            f"Early stopping: restored the weights of epoch {record._best_epoch} "
            f"(best validation score {record.best_validation_score_:.6f})."
        )


def start_record(record, early_stopping):
    """Set the training attributes of ``record`` (the estimator) to a fresh start.

    scikit-learn's conventions: ``best_loss_`` is None with early stopping,
    the validation attributes are None without it.
    """
    record.n_iter_ = 0
    record.t_ = 0
    record.n_updates_ = 0
    record._n_epochs = 0
    record._schedule_t = 0
    record.loss_curve_ = []
    record._no_improvement_count = 0
    record._best_params = None
    if early_stopping:
        record.best_loss_ = None
        record.validation_scores_ = []
        record.validation_loss_curve_ = []
        record.best_validation_score_ = -np.inf
    else:
        record.best_loss_ = np.inf
        record.validation_scores_ = None
        record.validation_loss_curve_ = None
        record.best_validation_score_ = None
