"""The one training loop of the dense networks: minibatch epochs and full batches.

:class:`Trainer` trains any :class:`~sklearn_mathdl.neural_network._network.DenseNetwork`
on encoded data ``(X, Y, sample_weight)``: an estimator supplies the objective
(the loss applied to the network output, and the L2 penalty), the optimizer
and schedule plugins, the stopping rule and the reporting, and a *record*, the
object whose attributes hold what training has done so far (``n_iter_``,
``t_``, ``n_updates_``, ``loss_curve_``, ``best_loss_``, the validation
curves; see :func:`~sklearn_mathdl.neural_network._stopping.start_record`),
which for the MLPs is the estimator itself, so those are its fitted
attributes, carried across ``partial_fit`` calls.

A loss that is not finite stops training at once. The evaluation is replayed
with every plugin call checked (:mod:`~sklearn_mathdl.neural_network._tracing`)
and the error names the source: a plugin, the data's scale, the weights
training started from, or diverging steps. Only the last of these is not an
error under early stopping (scikit-learn's behaviour: the epoch's validation
score is NaN and the best weights are restored). Before each step the weights
whose loss was just found finite are copied (``last_good``): the replay starts
from them, and early stopping resumes from them.
"""

import functools
import time

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_mathdl.neural_network._minibatches import Minibatches
from sklearn_mathdl.neural_network._reporting import warn_user
from sklearn_mathdl.neural_network._stopping import StoppingRule
from sklearn_mathdl.neural_network._tracing import (
    MODERATE,
    Overflow,
    StepsDiverged,
    TrainingFault,
    largest,
    moderate,
    not_reproduced,
    optimizer_fault,
    overflow_at_start,
    trace,
)
from sklearn_mathdl.plugins._base import takes_keyword


class _Diverged(Exception):
    """Internal: a minibatch loss (or the weights after an epoch) not finite.

    ``batch`` is the minibatch whose loss it was (None: the weights), ``step``
    the minibatch whose update produced the current weights (None: no update
    yet in this call), ``rate`` that update's learning rate.
    """

    def __init__(self, loss, batch, step, rate):
        super().__init__(loss)
        self.loss, self.batch, self.step, self.rate = loss, batch, step, rate


class Trainer:
    """Trains a :class:`~sklearn_mathdl.neural_network._network.DenseNetwork`.

    Parameters
    ----------
    objective : Objective
        The penalised loss and its gradient.
    optimizer : optimizer plugin
        Stochastic (``step``), initialised for the network's parameters, or
        full-batch (``full_batch = True``, ``minimize``).
    schedule : schedule plugin, reset
        The learning rate of each epoch (stochastic optimizers).
    stopping : StoppingRule
    report : Report
    batch_size : int, default=200
    shuffle : bool, default=True
    random_state : RandomState, default=None
        Shuffles the samples of each epoch (needed with ``shuffle=True``).
    learning_rate_init : float, default=None
        Named in the advice of a divergence error.
    """

    def __init__(
        self,
        objective,
        optimizer,
        schedule,
        *,
        stopping,
        report,
        batch_size=200,
        shuffle=True,
        random_state=None,
        learning_rate_init=None,
    ):
        self.objective = objective
        self.optimizer = optimizer
        self.schedule = schedule
        self.stopping = stopping
        self.report = report
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.learning_rate_init = learning_rate_init

    def _evaluate(self, network, X, Y, sample_weight, evaluation=None):
        """``evaluation()``, by default the objective on a batch. An exception
        it raises (a plugin's, or NumPy's on a plugin's misshapen output) is
        replayed on the batch with every plugin call checked, and re-raised
        as the fault of the plugin named there."""
        try:
            if evaluation is None:
                return self.objective(network, X, Y, sample_weight)
            return evaluation()
        except Exception as exc:
            try:
                trace(self.objective, network, X, Y, sample_weight)
            except TrainingFault as fault:
                raise fault from exc
            except Exception:
                pass
            raise

    def _validate(self, network, validation):
        """The held-out loss and score; a plugin at fault on the held-out
        samples is named (an overflow leaves them NaN, as in scikit-learn)."""
        held_out = (validation.X, validation.Y, validation.sample_weight)
        loss, grad, score = self._evaluate(
            network,
            *held_out,
            evaluation=lambda: validation.evaluate(self.objective.loss, network),
        )
        if not (
            np.isfinite(loss)
            and np.shape(grad) == validation.Y.shape
            and np.isfinite(grad).all()
        ):
            trace(self.objective, network, *held_out)
        return loss, score

    def check_plugins(self, network, data):
        """Run two samples through every plugin before training, so that a
        plugin returning a wrong shape or NaN is named, not a matrix product."""
        rows = slice(0, min(2, data.n_samples))
        overflow = trace(self.objective, network, data.X[rows], data.Y[rows], None)
        if overflow is not None:
            raise overflow_at_start(overflow, data.X, network)

    # ---------------------------------------------------------- minibatches
    def train_epochs(self, network, data, record, n_epochs, *, validation=None):
        """At most ``n_epochs`` epochs of minibatch updates.

        ``n_epochs=1`` is ``partial_fit``'s single pass: no plateau rule and
        no warning at the end of the budget. With ``validation`` (a
        :class:`~sklearn_mathdl.neural_network._stopping.Validation`), early
        stopping: the weights of the best validation score are restored.
        """
        incremental = n_epochs == 1 and validation is None
        batches = Minibatches(data, self.batch_size, self.shuffle, self.random_state)
        last_good = network.params.copy()  # the last weights with a finite loss
        record.n_iter_ = 0  # epochs of this call, as in scikit-learn
        reason = None
        for _ in range(n_epochs):
            start = time.perf_counter()
            try:
                # Overflow during a diverging run is reported below, by source.
                with np.errstate(over="ignore", invalid="ignore"):
                    loss, rate = self._run_epoch(network, batches, record, last_good)
            except _Diverged as diverged:
                error = self._diagnose(
                    network, batches, diverged, last_good, record.n_iter_ + 1
                )
                if validation is None or not isinstance(error, StepsDiverged):
                    raise error from None
                network.params[...] = last_good
                reason = self._diverged_under_validation(record, diverged.loss)
                break
            info = self._close_epoch(network, record, data, loss, rate, validation)
            info["time"] = time.perf_counter() - start
            reason = self._stop_reason(record, info, incremental, validation)
            if reason is not None:
                break
        else:
            if not incremental:
                reason = f"reached max_iter={n_epochs} epochs"
                warn_user(
                    f"Stochastic Optimizer: Maximum iterations ({n_epochs}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                )
        if reason is not None:
            self.report.say(f"Training stopped: {reason}")
        if validation is not None:
            StoppingRule.restore_best(record, network, self.report.say)
        self._check_final_weights(network, data)

    def _check_final_weights(self, network, data):
        """Finite input never yields a model that predicts NaN or inf.

        Every minibatch loss was finite at the weights before its update;
        the last update is judged here. Weights beyond :data:`MODERATE`
        (diverging steps, nothing else makes them) are checked on every
        training sample; moderate ones cost nothing.
        """
        if moderate(network.params):
            return
        with np.errstate(all="ignore"):
            finite = np.isfinite(network.forward(data.X)).all()
        if not finite:
            raise StepsDiverged(
                "The steps diverged: the weights grew to "
                f"{largest(network.params):.3g} in magnitude and the network "
                "output overflows on the training data. Solver produced "
                "non-finite parameter weights. The input data may contain large "
                "values and need to be preprocessed (scale the features), or "
                f"lower learning_rate_init (now {self.learning_rate_init})."
            )

    def _run_epoch(self, network, batches, record, last_good):
        """One pass of minibatch updates; the mean loss and the last rate."""
        schedule = self.schedule
        step = _step_keeping(self.optimizer, last_good)
        total_loss, total_weight, rate = 0.0, 0.0, None
        try:
            for begin in batches.new_epoch():
                X_b, Y_b, sw = batches.gather(begin)
                weight = Y_b.shape[0] if sw is None else sw.sum()
                if not weight:  # zero-weight samples only: nothing to learn
                    continue
                rate = schedule.learning_rate(record._schedule_t, record._n_epochs)
                loss = self._evaluate(network, X_b, Y_b, sw)
                if not np.isfinite(loss):
                    raise _Diverged(
                        loss, (batches.order, begin), batches.last_step, rate
                    )
                step(network.params, network.grad, rate)
                batches.last_step = (batches.order, begin)
                record.n_updates_ += 1
                total_loss += loss * weight
                total_weight += weight
        finally:
            # The network's scratch arrays hold training activations: free them.
            network.release_buffers()
        if not np.isfinite(network.params).all():
            raise _Diverged(np.nan, None, batches.last_step, rate)
        return total_loss / total_weight, rate

    def _close_epoch(self, network, record, data, loss, rate, validation):
        """Count the epoch, record its loss and validation; its ``info``."""
        record.n_iter_ += 1
        record._n_epochs += 1
        record.t_ += data.n_samples
        record._schedule_t = record.t_
        record.loss_curve_.append(loss)
        info = {"epoch": record.n_iter_, "loss": loss, "learning_rate": rate}
        score = None
        if validation is not None:
            val_loss, score = self._validate(network, validation)
            record.validation_loss_curve_.append(val_loss)
            record.validation_scores_.append(score)
            info.update(validation_loss=val_loss, validation_score=score)
        self.stopping.record_epoch(record, loss, score, network)
        return info

    def _stop_reason(self, record, info, incremental, validation):
        """Report the epoch; why training stops now, or None."""
        if self.report.epoch(info):
            return f"a callback returned True at epoch {record.n_iter_}"
        if incremental:
            return None
        monitored = "Training loss" if validation is None else "Validation score"
        return self.stopping.plateau(record, self.schedule, monitored, self.report.say)

    def _diverged_under_validation(self, record, loss):
        """scikit-learn's early stopping on divergence: a NaN score, a warning."""
        record.n_iter_ += 1
        record.loss_curve_.append(loss)
        record.validation_scores_.append(float("nan"))
        record.validation_loss_curve_.append(float("nan"))
        kept = (
            "The best validation weights were restored"
            if record._best_params is not None
            else "No epoch finished: the weights before the diverging step were kept"
        )
        warn_user(
            f"The training loss became {loss}: the steps diverged. {kept}; lower "
            "learning_rate_init or scale the features.",
            ConvergenceWarning,
        )
        return f"the training loss became {loss} at epoch {record.n_iter_} (diverged)"

    def _diagnose(self, network, batches, diverged, last_good, epoch):
        """The error for a non-finite loss or weights: replay, name the source.

        First the failing evaluation (a plugin or the data at fault there);
        with no update yet in this call, the data or the starting weights;
        else the update that led there: its evaluation replayed from
        ``last_good`` (a NaN gradient), then the optimizer (non-finite
        weights from moderate ones) or, by elimination, the steps.
        """
        reached = network.params.copy()
        overflow = Overflow("the weights")
        if diverged.batch is not None and np.isfinite(reached).all():
            overflow = trace(self.objective, network, *batches.rows(diverged.batch))
            if overflow is None:
                return not_reproduced(diverged.loss)
        if diverged.step is None:
            return overflow_at_start(overflow, batches.data.X, network)
        network.params[...] = last_good
        replayed = trace(self.objective, network, *batches.rows(diverged.step))
        if (
            replayed is None
            and not np.isfinite(reached).all()
            and moderate(last_good)
            and moderate(network.grad)
            and abs(diverged.rate) <= MODERATE
        ):
            return optimizer_fault(self.optimizer, diverged.rate)
        where = (replayed or overflow).where
        return StepsDiverged(
            f"The training loss became {diverged.loss} at epoch {epoch}: the "
            f"steps diverged ({where} overflowed). Solver produced non-finite parameter "
            "weights. The input data may contain large values and need to be "
            "preprocessed (scale the features), or lower learning_rate_init "
            f"(now {self.learning_rate_init})."
        )

    # ----------------------------------------------------------- full batch
    def train_full_batch(self, network, data, record, max_iter, tol):
        """Minimise the objective on all of ``data`` with a full-batch
        optimizer (L-BFGS): the callbacks and verbose lines run per iteration."""
        X, Y, sample_weight = data
        state = {"evaluations": 0, "time": time.perf_counter()}
        record.n_iter_ = 0

        def fun(theta):
            network.params[...] = theta
            value = self._evaluate(network, X, Y, sample_weight)
            grad = network.grad.astype(np.float64)
            if not (np.isfinite(value) and np.isfinite(grad).all()):
                raise self._diagnose_full_batch(network, data, state["evaluations"])
            state["evaluations"] += 1
            return value, grad

        def on_iteration(intermediate_result):
            record.n_iter_ += 1
            value = float(intermediate_result.fun)
            record.loss_curve_.append(value)
            record.best_loss_ = min(record.best_loss_, value)
            now = time.perf_counter()
            info = {"epoch": record.n_iter_, "loss": value, "time": now - state["time"]}
            state["time"] = now
            if self.report.epoch(info):
                raise StopIteration

        with np.errstate(over="ignore", invalid="ignore"):
            theta, n_iter, message = self.optimizer.minimize(
                fun, network.params, max_iter, tol, callback=on_iteration
            )
            # The optimizer's own count: a plugin need not call the callback.
            record.n_iter_ = int(n_iter)
            network.params[...] = theta
            final = self._evaluate(network, X, Y, sample_weight)
        network.release_buffers()  # a fitted model holds no training activations
        if not (np.isfinite(final) and np.isfinite(network.grad).all()):
            raise self._diagnose_full_batch(network, data, state["evaluations"])
        if not record.loss_curve_ or record.loss_curve_[-1] != final:
            record.loss_curve_.append(float(final))
        record.t_ += data.n_samples
        self.report.say(f"Training stopped: {message}")
        if "LIMIT" in str(message).upper():  # max_iter or max_fun reached
            warn_user(
                f"lbfgs failed to converge after {record.n_iter_} iteration(s) "
                f"(status=1): {message}. Increase the number of iterations "
                "(max_iter, max_fun) or scale the data.",
                ConvergenceWarning,
            )

    def _diagnose_full_batch(self, network, data, evaluations):
        """The error for a non-finite loss or gradient of a full-batch solver."""
        overflow = Overflow("the weights")
        if np.isfinite(network.params).all():
            overflow = trace(self.objective, network, *data)
            if overflow is None:
                return not_reproduced("not finite")
        if evaluations == 0:
            return overflow_at_start(overflow, data.X, network)
        return StepsDiverged(
            f"The optimizer {self.optimizer!r} stepped to weights where "
            f"{overflow.where} overflowed: the steps diverged after "
            f"{evaluations} finite evaluation(s). The input data may contain "
            "large values and need to be preprocessed: scale the features and "
            "the targets, or raise alpha."
        )


def _step_keeping(optimizer, last_good):
    """``step(params, grad, rate)``, first copying ``params`` into ``last_good``.

    An optimizer whose ``step`` takes ``keep`` (the built-ins) copies within
    its own pass over the parameters; for any other the copy is made here.
    """
    if takes_keyword(getattr(optimizer.step, "__func__", optimizer.step), "keep"):
        return functools.partial(_step_with_keep, optimizer.step, last_good)
    return functools.partial(_copy_then_step, optimizer.step, last_good)


def _step_with_keep(step, last_good, params, grad, rate):
    step(params, grad, rate, keep=last_good)


def _copy_then_step(step, last_good, params, grad, rate):
    np.copyto(last_good, params)
    step(params, grad, rate)
