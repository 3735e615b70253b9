"""Training machinery shared by the estimators built on :class:`DenseNetwork`.

A subclass supplies the target side (how ``y`` is encoded, which loss is
applied to the network output, how held-out samples are scored); this base
supplies plugin resolution (scikit-learn's hyperparameters routed to the
plugins by their constructors' signatures), the network and optimizer set-up
of a fresh or continued fit, and hands them to the one training loop,
:class:`~sklearn_mathdl.neural_network._trainer.Trainer`.

Every ``fit`` and ``partial_fit`` is a transaction
(:func:`~sklearn_mathdl.utils._transaction.fit_transaction`): on any
exception, Ctrl-C included, the estimator is exactly the model it was before
the call, optimizer state and counters included.
"""

import inspect
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from sklearn_mathdl.neural_network._layers import LayerAttributes, copy_layers
from sklearn_mathdl.neural_network._minibatches import TrainingData
from sklearn_mathdl.neural_network._network import DenseNetwork
from sklearn_mathdl.neural_network._objective import Objective
from sklearn_mathdl.neural_network._reporting import Report, warn_user
from sklearn_mathdl.neural_network._stopping import (
    StoppingRule,
    Validation,
    start_record,
)
from sklearn_mathdl.neural_network._tracing import TrainingFault, largest
from sklearn_mathdl.neural_network._trainer import Trainer
from sklearn_mathdl.neural_network.optimizers import SGD
from sklearn_mathdl.plugins import (
    ACTIVATIONS,
    INITIALIZERS,
    LOSSES,
    OPTIMIZERS,
    SCHEDULES,
    CarriedPluginsMixin,
    PluginConstraint,
)
from sklearn_mathdl.plugins._base import accepted_keywords
from sklearn_mathdl.utils._threads import blas_threads

# BLAS threads pay off only once a layer's matrix product is large: below this
# many multiply-adds per thread, thread start-up costs more than it saves
# (measured: a 200x100x256 float32 product takes ~70 us on one core).
_MULTIPLY_ADDS_PER_BLAS_THREAD = 1_000_000

# scikit-learn's learning_rate values apply to solver="sgd" only, as there;
# other schedules (names or objects) apply to every stochastic solver.
_SGD_ONLY_SCHEDULES = ("constant", "invscaling", "adaptive")


def _plugin(registry, spec, **offered):
    """A plugin for ``spec``; a registered class receives the ``offered``
    keyword arguments its constructor accepts (scikit-learn's hyperparameters,
    such as ``momentum`` for ``"sgd"``); an object is used as it is."""
    factory = registry.registered(spec) if isinstance(spec, str) else None
    if inspect.isclass(factory) and offered:
        registry._check_interface(factory, spec)
        return factory(**accepted_keywords(factory, offered))
    return registry.get(spec)


def cast_finite(a, dtype, name):
    """``a`` in ``dtype``; a ValueError if its values overflow that dtype."""
    with np.errstate(over="ignore"):
        cast = a.astype(dtype, copy=False)
    values = cast.data if sp.issparse(cast) else cast
    if cast is not a and not np.isfinite(values).all():
        raise ValueError(
            f"{name} has values up to {largest(a):.3g} in magnitude, beyond the "
            f"range of {np.dtype(dtype).name} ({np.finfo(dtype).max:.3g}). Scale "
            f"{name}, or fit in float64 (dtype='float64')."
        )
    return cast


class BaseDenseEstimator(LayerAttributes, CarriedPluginsMixin, BaseEstimator):
    """Base class of estimators trained by backpropagation through dense layers.

    Subclasses implement ``_encode_targets(y, classes, reset, incremental,
    loss)`` → the encoded targets and the loss applied to the network output,
    ``_n_outputs()``, ``_out_activation_name()``, ``_score_output(y, output,
    sample_weight)`` (the held-out score of early stopping),
    ``_split_validation`` and ``_validate_training_data`` /
    ``_validate_prediction_data``; they may override ``_training_loss()``.
    """

    # Updated in place by training (weights, optimizer moments, schedule,
    # curves): deep-copied by the fit transaction, so that an interrupted
    # call is undone exactly.
    _mutated_in_place = (
        "network_",
        "optimizer_",
        "schedule_",
        "loss_curve_",
        "validation_scores_",
        "validation_loss_curve_",
    )

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        # Names are read from the registries when fit validates, never frozen
        # into StrOptions, so plugins registered after import are accepted.
        "activation": [PluginConstraint(ACTIVATIONS, per_layer=True)],
        "output_activation": [PluginConstraint(ACTIVATIONS)],
        "loss": [PluginConstraint(LOSSES)],
        "solver": [PluginConstraint(OPTIMIZERS)],
        "learning_rate": [PluginConstraint(SCHEDULES)],
        "initializer": [PluginConstraint(INITIALIZERS)],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dtype": [
            None,
            StrOptions({"float32", "float64"}),
            Options(type, {np.float32, np.float64}),
            Options(np.dtype, {np.dtype(np.float32), np.dtype(np.float64)}),
        ],
        "callbacks": [None, list, tuple, callable],
    }

    # Parameters naming plugins: their run-time registrations travel with the
    # estimator's pickle (n_jobs workers, a fresh process).
    _plugin_parameters = {
        "activation": ACTIVATIONS,
        "output_activation": ACTIVATIONS,
        "loss": LOSSES,
        "solver": OPTIMIZERS,
        "learning_rate": SCHEDULES,
        "initializer": INITIALIZERS,
    }

    # ------------------------------------------------------------------ plugins
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.ndim(sizes) == 0 else list(sizes)
        for s in sizes:
            if not isinstance(s, Integral | np.integer) or s < 1:
                raise ValueError(
                    "hidden_layer_sizes must be > 0 (positive integers), got "
                    f"{sizes!r}."
                )
        return [int(s) for s in sizes]

    def _hidden_activations(self, n_hidden):
        spec = self.activation
        if isinstance(spec, list | tuple):
            if len(spec) != n_hidden:
                raise ValueError(
                    f"activation has {len(spec)} entries but the network has "
                    f"{n_hidden} hidden layers: give one activation, or one per "
                    "hidden layer."
                )
            return [ACTIVATIONS.get(a) for a in spec]
        return [ACTIVATIONS.get(spec) for _ in range(n_hidden)]

    def _resolve_dtype(self, X=None):
        """The computation's dtype: ``dtype``, or the input's (float32 stays
        float32, anything else is float64), as scikit-learn's MLP does."""
        if self.dtype is None:
            if X is not None and getattr(X, "dtype", None) == np.float32:
                return np.dtype(np.float32)
            return np.dtype(np.float64)
        return np.dtype(self.dtype)

    def _schedule_spec(self, optimizer):
        """scikit-learn's learning_rate values apply to SGD (a name or an
        object); with another solver they mean a constant rate, as there."""
        spec = self.learning_rate
        if isinstance(spec, str) and spec in _SGD_ONLY_SCHEDULES:
            return spec if isinstance(optimizer, SGD) else "constant"
        return spec

    def _resolve_plugins(self, X=None):
        """Look every plugin up; raises before any fitted state is touched."""
        hidden = self._hidden_sizes()
        # scikit-learn draws Glorot weights with factor 2 for logistic units.
        logistic = isinstance(self.activation, str) and self.activation in (
            "logistic",
            "sigmoid",
        )
        optimizer = _plugin(
            OPTIMIZERS,
            self.solver,
            momentum=self.momentum,
            nesterovs_momentum=self.nesterovs_momentum,
            beta_1=self.beta_1,
            beta_2=self.beta_2,
            epsilon=self.epsilon,
            max_fun=self.max_fun,
        )
        loss = LOSSES.get(self.loss)
        return dict(
            hidden=hidden,
            activations=self._hidden_activations(len(hidden))
            + [ACTIVATIONS.get(self.output_activation)],
            loss=loss,
            optimizer=optimizer,
            schedule=_plugin(
                SCHEDULES, self._schedule_spec(optimizer), power_t=self.power_t
            ),
            initializer=_plugin(
                INITIALIZERS, self.initializer, factor=2.0 if logistic else 6.0
            ),
            dtype=self._resolve_dtype(X),
        )

    def _is_stochastic(self):
        """Whether the solver trains by minibatches (``partial_fit`` needs it)."""
        spec = self.solver
        if isinstance(spec, str):
            spec = OPTIMIZERS.registered(spec)
        return spec is None or not getattr(spec, "full_batch", False)

    def _check_solver(self):
        if not self._is_stochastic():
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

    # -------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        """Validate, set up, train. Called by the subclasses' ``fit`` and
        ``partial_fit``, transactions that undo everything if this raises."""
        data, validation = self._prepare_fit(X, y, sample_weight, incremental, classes)
        trainer = self._trainer(data)
        network = self.network_
        with blas_threads(self._blas_threads(trainer.batch_size)):
            try:
                trainer.check_plugins(network, data)
                if self.optimizer_.full_batch:
                    trainer.train_full_batch(
                        network, data, self, self.max_iter, self.tol
                    )
                else:
                    epochs = 1 if incremental else self.max_iter
                    trainer.train_epochs(
                        network, data, self, epochs, validation=validation
                    )
            except TrainingFault as fault:
                call = "partial_fit" if incremental else "fit"
                fault.args = (
                    f"{fault.args[0]} The estimator is left as it was before this "
                    f"{call} (unfitted if it was never fitted).",
                )
                raise
        return self

    def _objective(self):
        """The penalised loss minimised: :class:`Objective` of the training loss."""
        return Objective(self._training_loss(), self.alpha)

    def _training_loss(self):
        """The loss applied to the network output (the fitted ``loss_function_``)."""
        return self.loss_function_

    def _trainer(self, data):
        return Trainer(
            self._objective(),
            self.optimizer_,
            self.schedule_,
            stopping=StoppingRule(self.tol, self.n_iter_no_change),
            report=Report(self, self.callbacks, self.verbose),
            batch_size=self._batch_size(data.n_samples),
            shuffle=self.shuffle,
            random_state=self._random_state,
            learning_rate_init=self.learning_rate_init,
        )

    def _prepare_fit(self, X, y, sample_weight, incremental, classes):
        """Validate everything, then build or reuse the network and optimizer.

        Returns the training data and, with early stopping, the held-out
        :class:`~sklearn_mathdl.neural_network._stopping.Validation`.
        """
        self._validate_params()
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        continuing = (incremental or self.warm_start) and hasattr(self, "network_")
        X, y = self._validate_training_data(X, y, reset=not continuing)
        plugins = self._resolve_plugins(X)
        X = cast_finite(X, plugins["dtype"], "X")
        if X.shape[0] == 0:
            raise ValueError("Found array with 0 samples; fit needs at least one.")
        Y, loss = self._encode_targets(
            y,
            classes=classes,
            reset=not continuing,
            incremental=incremental,
            loss=plugins["loss"],
        )
        Y = cast_finite(Y, plugins["dtype"], "y")
        sample_weight = _check_total_weight(self._sample_weight(y, sample_weight, X))
        layer_sizes = [X.shape[1], *plugins["hidden"], self._n_outputs()]
        # Seeded at every call, as scikit-learn does (an int random_state
        # replays the same shuffles in each partial_fit).
        self._random_state = check_random_state(self.random_state)
        if continuing:
            self._continue_network(layer_sizes, plugins, incremental)
        else:
            self._new_network(layer_sizes, plugins, incremental)
        self.loss_function_ = loss
        self.n_layers_ = len(layer_sizes)
        self.n_outputs_ = layer_sizes[-1]
        self.out_activation_ = self._out_activation_name()
        return self._held_out(X, y, Y, sample_weight)

    def _continue_network(self, layer_sizes, plugins, incremental):
        network, activations = self.network_, plugins["activations"]
        pieces = [getattr(act, "pieces", 1) for act in activations]
        fitted_pieces = [getattr(act, "pieces", 1) for act in network.activations]
        if network.layer_sizes != layer_sizes or pieces != fitted_pieces:
            raise ValueError(
                f"The network has layer sizes {network.layer_sizes} (pieces per "
                f"unit {fitted_pieces}) but the parameters now ask for "
                f"{layer_sizes} ({pieces}). Set warm_start=False to train a new "
                "network."
            )
        # The activations are the parameters' now, as in scikit-learn, whose
        # continued fits read ``activation`` afresh.
        network.activations = activations
        if not incremental:
            # warm_start: the weights stay, the optimizer starts afresh
            # (moments, velocity, plateau-reduced rate), as in scikit-learn;
            # t_ goes on, so "invscaling" continues its decay.
            self._restart_optimizer(plugins)

    def _new_network(self, layer_sizes, plugins, incremental):
        network = DenseNetwork(layer_sizes, plugins["activations"], plugins["dtype"])
        assigned = self._assigned_layers()
        if assigned is not None and (incremental or self.warm_start):
            # Weights assigned to coefs_/intercepts_ before fitting are
            # trained on, as scikit-learn's partial_fit and warm_start do.
            copy_layers(network, *assigned)
        else:
            network.initialize(plugins["initializer"], self._random_state)
        self.__dict__.pop("_assigned_coefs", None)
        self.__dict__.pop("_assigned_intercepts", None)
        self.network_ = network
        self._restart_optimizer(plugins)
        start_record(self, self.early_stopping and not self.optimizer_.full_batch)

    def _restart_optimizer(self, plugins):
        self.optimizer_ = plugins["optimizer"]
        if not self.optimizer_.full_batch:
            self.optimizer_.initialize(self.network_.params)
        self.schedule_ = plugins["schedule"]
        self.schedule_.reset(self.learning_rate_init)
        # The schedule's clock: samples seen when its rate was last updated, at
        # the end of an epoch; a fresh schedule starts from learning_rate_init.
        self._schedule_t = 0

    def _held_out(self, X, y, Y, sample_weight):
        """The training data and, with early stopping, the held-out split."""
        if not self.early_stopping or self.optimizer_.full_batch:
            return TrainingData(X, Y, sample_weight), None
        X, Y, sample_weight, X_val, y_val, Y_val, sw_val = self._split_validation(
            X, y, Y, sample_weight
        )
        validation = Validation(
            X_val,
            Y_val,
            sw_val,
            score=lambda output: self._score_output(y_val, output, sw_val),
        )
        return TrainingData(X, Y, _check_total_weight(sample_weight)), validation

    def _validate_training_data(self, X, y, reset):
        raise NotImplementedError

    def _sample_weight(self, y, sample_weight, X):
        if sample_weight is None:
            return None
        weights = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        return cast_finite(weights, X.dtype, "sample_weight")

    def _blas_threads(self, batch_size):
        """Threads worth starting for the largest product of a batch.

        :func:`~sklearn_mathdl.utils._threads.blas_threads` caps the count by
        the cores and by any limit the user already set.
        """
        sizes = self.network_.layer_sizes
        largest_layer = max(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        return max(1, largest_layer * batch_size // _MULTIPLY_ADDS_PER_BLAS_THREAD)

    def _batch_size(self, n):
        """The minibatch size for ``n`` samples (all of them: full batch)."""
        if self.optimizer_.full_batch:
            return n
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size > n:
            warn_user(
                "Got `batch_size` less than 1 or larger than sample size. It is "
                "going to be clipped",
                UserWarning,
            )
        return min(self.batch_size, n)

    def _split_validation(self, X, y, Y, sample_weight):
        raise NotImplementedError

    # ------------------------------------------------------------ inspection
    @property
    def loss_(self):
        """The training loss at the end of fitting (scikit-learn's ``loss_``)."""
        check_is_fitted(self, "network_")
        return self.loss_curve_[-1] if self.loss_curve_ else np.nan

    def _forward(self, X):
        check_is_fitted(self, "network_")
        X = self._validate_prediction_data(X)
        X = X.astype(self.network_.dtype, copy=False)
        with np.errstate(over="ignore"):
            return self.network_.forward(X)


def _check_total_weight(sample_weight):
    """Weights whose total is positive and finite, so that the weighted mean
    loss is defined."""
    if sample_weight is None:
        return None
    with np.errstate(over="ignore"):
        total = float(np.sum(sample_weight, dtype=np.float64))
    if not total > 0:
        raise ValueError(
            "sample_weight sums to zero (on the training samples): give at least "
            "one sample a positive weight."
        )
    if not np.isfinite(total):
        raise ValueError(
            f"sample_weight sums to {total}: divide it by its maximum (only the "
            "weights relative to each other matter to the loss)."
        )
    return sample_weight
