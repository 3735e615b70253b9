"""Training a Kolmogorov–Arnold network: grid stages around the package's trainer.

A fit is a sequence of *stages*, one per entry of ``n_knots`` (Liu et al.
2024, §2.5: train on a coarse grid, extend it, train on). Each stage starts
with ``grid_updates`` short rounds (:data:`GRID_UPDATE_ITERATIONS`
iterations or epochs each) after which every hidden layer's grid follows the
range of its inputs (pykan's ``update_grid``), then trains for ``max_iter``.
Every round is a call of the one
:class:`~sklearn_mathdl.neural_network._trainer.Trainer` of the package, on
the network directly, with a fresh optimizer (the parameter vector changes
size when the grid does): L-BFGS or minibatch epochs, sample weights, early
stopping, callbacks and the diagnosis of non-finite values come from there.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_mathdl.kolmogorov_arnold._grid import regrid
from sklearn_mathdl.kolmogorov_arnold._objective import KANObjective
from sklearn_mathdl.neural_network._reporting import Report
from sklearn_mathdl.neural_network._stopping import StoppingRule
from sklearn_mathdl.neural_network._tracing import PluginFault
from sklearn_mathdl.neural_network._trainer import Trainer
from sklearn_mathdl.plugins import OPTIMIZERS, get_loss, get_schedule
from sklearn_mathdl.utils._threads import blas_threads

#: Iterations (L-BFGS) or epochs of a round that ends with a grid update.
GRID_UPDATE_ITERATIONS = 10


class StagedTraining:
    """The rounds of one fit, each a :class:`Trainer` call on ``network``.

    Parameters
    ----------
    estimator : KolmogorovArnoldRegressor
        Its hyperparameters, and the record of training (``n_iter_``,
        ``loss_curve_``, ...), which the trainer writes.
    network : KANNetwork
    data : TrainingData
    validation : Validation or None
    random_state : RandomState
        Shuffles the minibatches.
    """

    def __init__(self, estimator, network, data, validation, random_state):
        self.estimator, self.network = estimator, network
        self.data, self.validation = data, validation
        self.random_state = random_state
        self.n_iter = 0

    def run(self, n_intervals_per_stage):
        """Train through every stage; returns the total iteration count."""
        est, network, data = self.estimator, self.network, self.data
        hidden = range(1, network.n_layers)
        with blas_threads():
            self._trainer(quiet=True).check_plugins(network, data)
            self._regrid(None, hidden)  # hidden grids on the initial layers
            for stage, n_intervals in enumerate(n_intervals_per_stage):
                if stage:  # extension: finer grids, hidden ranges followed
                    self._regrid(n_intervals, hidden)
                for _ in range(est.grid_updates if hidden else 0):
                    self._round(GRID_UPDATE_ITERATIONS, None, quiet=True)
                    self._regrid(None, hidden)
                last = stage == len(n_intervals_per_stage) - 1
                self._round(est.max_iter, self.validation, quiet=not last)
        return self.n_iter

    def _regrid(self, n_intervals, layers):
        """:func:`regrid` on the training data; the base function, the only
        plugin it calls, is named if it raises or makes the grid fit fail."""
        if not layers and n_intervals is None:
            return
        network, data = self.network, self.data
        try:
            with np.errstate(all="ignore"):
                regrid(network, data.X, n_intervals, layers, data.sample_weight)
            failed = not np.isfinite(network.params).all()
        except Exception as exc:
            failed = exc
        if failed is not False:
            raise PluginFault(
                f"The base function {network.base_function!r} broke a grid "
                "update: fitting the new grids' coefficients by least squares "
                + (
                    f"raised {type(failed).__name__}: {failed}"
                    if isinstance(failed, Exception)
                    else "gave non-finite coefficients"
                )
                + ". The base function must return finite values of its input's "
                "shape on [-1, 1]. Fix the plugin."
            ) from (failed if isinstance(failed, Exception) else None)

    def _trainer(self, quiet):
        est = self.estimator
        optimizer = OPTIMIZERS.get(est.solver)
        if not optimizer.full_batch:
            optimizer.initialize(self.network.params)
        schedule = get_schedule("constant")
        schedule.reset(est.learning_rate_init)
        n = self.data.n_samples
        batch = min(200 if est.batch_size == "auto" else est.batch_size, n)
        return Trainer(
            KANObjective(
                get_loss("squared_error"),
                est.alpha,
                est.l1_penalty,
                est.entropy_penalty,
            ),
            optimizer,
            schedule,
            stopping=StoppingRule(est.tol, est.n_iter_no_change),
            report=Report(est, None if quiet else est.callbacks, est.verbose),
            batch_size=n if optimizer.full_batch else batch,
            shuffle=True,
            random_state=self.random_state,
            learning_rate_init=est.learning_rate_init,
        )

    def _round(self, max_iter, validation, quiet):
        """One trainer call. Only the last stage's main round reports
        (callbacks, a convergence warning): the budget of the others (before a
        grid update or extension) is the design, and one fit warns once."""
        est, network = self.estimator, self.network
        trainer = self._trainer(quiet)
        _restart_patience(est, validation is not None)
        with warnings.catch_warnings():
            if quiet:
                warnings.simplefilter("ignore", ConvergenceWarning)
            if trainer.optimizer.full_batch:
                trainer.train_full_batch(network, self.data, est, max_iter, est.tol)
            else:
                trainer.train_epochs(
                    network, self.data, est, max_iter, validation=validation
                )
        self.n_iter += est.n_iter_


def _restart_patience(record, validated):
    """A round starts its own patience (a new grid changes the loss, and the
    best weights of another grid have another layout). A round with
    validation follows scikit-learn's early stopping (``best_loss_`` None);
    one without (also the grid-update rounds of an early-stopping fit)
    watches the training loss."""
    record._no_improvement_count = 0
    record._best_params = None
    if validated:
        record.best_loss_ = None
        record.best_validation_score_ = -float("inf")
    else:
        record.best_loss_ = float("inf")
