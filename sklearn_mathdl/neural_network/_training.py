"""Training machinery shared by the estimators built on :class:`DenseNetwork`.

A subclass supplies the target side (how ``y`` is encoded, which loss is
applied to the network output, how validation is scored); this base supplies
plugin resolution (scikit-learn's hyperparameters routed to the plugins),
minibatch and full-batch training, stopping rules, early stopping with
best-weight restoration, callbacks, and the recovery rules (non-finite loss,
Ctrl-C, a failed fit leaves the previous model as it was).
"""

import inspect
import time
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from sklearn_mathdl.neural_network._network import DenseNetwork
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
from sklearn_mathdl.utils._threads import blas_threads

# BLAS threads pay off only once a layer's matrix product is large: below this
# many multiply-adds per thread, thread start-up costs more than it saves
# (measured: a 200x100x256 float32 product takes ~70 us on one core).
_MULTIPLY_ADDS_PER_BLAS_THREAD = 1_000_000

# scikit-learn's learning_rate values apply to solver="sgd" only, as there;
# other schedules (names or objects) apply to every stochastic solver.
_SGD_ONLY_SCHEDULES = ("constant", "invscaling", "adaptive")


def value_and_gradient(loss, y, o, sample_weight=None):
    """Call a loss plugin's fused method if it has one, else value and gradient."""
    fused = getattr(loss, "value_and_gradient", None)
    if fused is not None:
        return fused(y, o, sample_weight)
    return (
        loss.value(y, o, sample_weight=sample_weight),
        loss.gradient(y, o, sample_weight=sample_weight),
    )


def _plugin(registry, spec, **offered):
    """A plugin for ``spec``; a registered class receives the ``offered``
    keyword arguments its constructor accepts (scikit-learn's hyperparameters,
    such as ``momentum`` for ``"sgd"``); an object is used as it is."""
    factory = registry.registered(spec) if isinstance(spec, str) else None
    if inspect.isclass(factory) and offered:
        accepted = inspect.signature(factory.__init__).parameters
        kwargs = {k: v for k, v in offered.items() if k in accepted}
        registry._check_interface(factory, spec)
        return factory(**kwargs)
    return registry.get(spec)


class BaseDenseEstimator(CarriedPluginsMixin, BaseEstimator):
    """Base class of estimators trained by backpropagation through dense layers.

    Subclasses implement ``_encode_targets(y, classes, reset, incremental,
    loss)`` → the encoded targets and the loss applied to the network output,
    ``_n_outputs()``, ``_out_activation_name()``, ``_loss_and_gradient(Y, output, sample_weight)``,
    ``_validation_score(X, y, sample_weight)``, ``_split_validation`` and
    ``_validate_training_data`` / ``_validate_prediction_data``.
    """

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

    def _callbacks(self):
        if self.callbacks is None:
            return []
        if callable(self.callbacks):
            return [self.callbacks]
        return list(self.callbacks)

    def _run_callbacks(self, callbacks, info):
        """True when a callback returned ``True`` (and only ``True``): stop."""
        return any(cb(self, info) is True for cb in callbacks)

    def _say(self, message):
        if self.verbose:
            print(message)

    # ------------------------------------------------------------ objective
    def _objective(self, network, X, Y, sample_weight):
        """Penalised loss :math:`L + \\frac{\\alpha}{2 W}\\sum\\|W_l\\|^2` and its gradient.

        ``W`` is the batch's total sample weight (its size when unweighted), as
        in scikit-learn, so ``alpha`` means the same in both packages.
        """
        output = network.forward(X, keep=True)
        value, grad_output = self._loss_and_gradient(Y, output, sample_weight)
        decay = 0.0
        if self.alpha:
            total = X.shape[0] if sample_weight is None else sample_weight.sum()
            value += 0.5 * self.alpha * network.squared_weight_norm() / total
            decay = float(self.alpha / total)
        network.backward(grad_output, weight_decay=decay)
        return value

    def _loss_on(self, X, Y, sample_weight):
        output = self.network_.forward(X)
        return self._loss_and_gradient(Y, output, sample_weight)[0]

    # -------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        # Whatever raises, the estimator is left as it was: validation may set
        # attributes (n_features_in_, classes_) before a later check fails, and
        # a fresh fit that diverges must not replace a good model. Only a
        # continued fit (warm_start, partial_fit) keeps its last finite weights.
        saved_state = self.__dict__.copy()
        continuing = (incremental or self.warm_start) and hasattr(self, "network_")
        training = False
        try:
            X, y, Y, sample_weight = self._prepare_fit(
                X, y, sample_weight, incremental, classes
            )
            training = True
            with blas_threads(self._blas_threads(X)):
                self._check_plugin_outputs(X, Y)
                if self.optimizer_.full_batch:
                    self._fit_full_batch(X, Y, sample_weight)
                else:
                    self._fit_stochastic(X, y, Y, sample_weight, incremental)
        except BaseException as exc:
            if not (training and continuing):
                self.__dict__.clear()
                self.__dict__.update(saved_state)
            if isinstance(exc, _NonFiniteLoss):
                exc.args = (f"{exc.args[0]} {_outcome(training and continuing)}",)
            raise
        return self

    def _prepare_fit(self, X, y, sample_weight, incremental, classes):
        """Validate everything, then build or reuse the network and optimizer."""
        self._validate_params()
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        continuing = (incremental or self.warm_start) and hasattr(self, "network_")
        X, y = self._validate_training_data(X, y, reset=not continuing)
        plugins = self._resolve_plugins(X)
        X = X.astype(plugins["dtype"], copy=False)
        if X.shape[0] == 0:
            raise ValueError("Found array with 0 samples; fit needs at least one.")
        Y, loss = self._encode_targets(
            y,
            classes=classes,
            reset=not continuing,
            incremental=incremental,
            loss=plugins["loss"],
        )
        Y = Y.astype(plugins["dtype"], copy=False)
        sample_weight = self._sample_weight(y, sample_weight, X)

        layer_sizes = [X.shape[1], *plugins["hidden"], self._n_outputs()]
        # Seeded at every call, as scikit-learn does (an int random_state
        # replays the same shuffles in each partial_fit).
        self._random_state = check_random_state(self.random_state)
        if continuing:
            if self.network_.layer_sizes != layer_sizes:
                raise ValueError(
                    f"The network has layer sizes {self.network_.layer_sizes} but "
                    f"the parameters now ask for {layer_sizes}. Set "
                    "warm_start=False to train a new network."
                )
            if not incremental:
                # warm_start: the weights stay, the optimizer starts afresh
                # (moments, velocity, plateau-reduced rate), as in scikit-learn;
                # t_ goes on, so "invscaling" continues its decay.
                self._restart_optimizer(plugins)
        else:
            network = DenseNetwork(
                layer_sizes, plugins["activations"], plugins["dtype"]
            )
            assigned = self._assigned_layers()
            if assigned is not None and (incremental or self.warm_start):
                # Weights assigned to coefs_/intercepts_ before fitting are
                # trained on, as scikit-learn's partial_fit and warm_start do.
                _copy_layers(network, *assigned)
            else:
                network.initialize(plugins["initializer"], self._random_state)
            self.__dict__.pop("_assigned_coefs", None)
            self.__dict__.pop("_assigned_intercepts", None)
            self.network_ = network
            self._reset_training_state(network, plugins)
        self.loss_function_ = loss
        self.n_layers_ = len(layer_sizes)
        self.n_outputs_ = layer_sizes[-1]
        self.out_activation_ = self._out_activation_name()
        return X, y, Y, sample_weight

    def _assigned_layers(self):
        """``(coefs, intercepts)`` assigned before any fit, or None."""
        coefs = self.__dict__.get("_assigned_coefs")
        intercepts = self.__dict__.get("_assigned_intercepts")
        return None if coefs is None or intercepts is None else (coefs, intercepts)

    def _restart_optimizer(self, plugins):
        self.optimizer_ = plugins["optimizer"]
        if not self.optimizer_.full_batch:
            self.optimizer_.initialize(self.network_.params)
        self.schedule_ = plugins["schedule"]
        self.schedule_.reset(self.learning_rate_init)
        # The schedule's clock: samples seen when its rate was last updated, at
        # the end of an epoch; a fresh schedule starts from learning_rate_init.
        self._schedule_t = 0

    def _reset_training_state(self, network, plugins):
        self._restart_optimizer(plugins)
        self.n_iter_ = 0
        self.t_ = 0
        self.n_updates_ = 0
        self._n_epochs = 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self._best_params = None
        # scikit-learn's conventions: best_loss_ is None with early stopping,
        # the validation attributes are None without it.
        if self.early_stopping and not self.optimizer_.full_batch:
            self.best_loss_ = None
            self.validation_scores_ = []
            self.validation_loss_curve_ = []
            self.best_validation_score_ = -np.inf
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.validation_loss_curve_ = None
            self.best_validation_score_ = None

    def _validate_training_data(self, X, y, reset):
        raise NotImplementedError

    def _sample_weight(self, y, sample_weight, X):
        if sample_weight is None:
            return None
        return _check_sample_weight(sample_weight, X, dtype=X.dtype)

    def _blas_threads(self, X):
        """Threads worth starting for the largest product of a batch.

        :func:`~sklearn_mathdl.utils._threads.blas_threads` caps the count by
        the cores and by any limit the user already set.
        """
        batch = X.shape[0] if self.optimizer_.full_batch else self._batch_size(X)
        sizes = self.network_.layer_sizes
        largest = max(a * b for a, b in zip(sizes[:-1], sizes[1:])) * batch
        return max(1, largest // _MULTIPLY_ADDS_PER_BLAS_THREAD)

    def _batch_size(self, X):
        n = X.shape[0]
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size > n:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is "
                "going to be clipped",
                UserWarning,
                stacklevel=5,
            )
        return min(self.batch_size, n)

    def _split_validation(self, X, y, Y, sample_weight):
        raise NotImplementedError

    def _check_plugin_outputs(self, X, Y):
        """Run two samples through every plugin; name the one whose output has
        the wrong shape, so the error is not a cryptic matrix-product failure."""
        network, rows = self.network_, slice(0, min(2, X.shape[0]))
        # Shapes only: values may overflow here; training reports those.
        with np.errstate(all="ignore"):
            A = X[rows]
            for layer, (W, b, act) in enumerate(
                zip(network.coefs, network.intercepts, network.activations)
            ):
                Z = A @ W + b
                A = np.asarray(act.forward(Z))
                units = network.layer_sizes[layer + 1]
                _check_output(act, "forward", layer, A, (Z.shape[0], units), Z.dtype)
                grad = np.asarray(act.backward(Z, np.ones_like(A)))
                _check_output(act, "backward", layer, grad, Z.shape, Z.dtype)
            value, grad = self._loss_and_gradient(Y[rows], A, None)
            grad_dtype = getattr(grad, "dtype", None)
            if (
                np.ndim(value) != 0
                or np.shape(grad) != A.shape
                or grad_dtype != A.dtype
            ):
                raise ValueError(
                    f"The loss {self.loss_function_!r} returned a value of shape "
                    f"{np.shape(value)} and a gradient of shape {np.shape(grad)} "
                    f"and dtype {grad_dtype} for an output of shape {A.shape} and "
                    f"dtype {A.dtype}; expected a scalar and an array of that "
                    "shape and dtype. Fix its value/gradient methods."
                )

    def _blame_non_finite(self, X, Y, sample_weight, what):
        """The error for a non-finite loss: name a plugin that produced NaN or
        inf from moderate input (|input| <= 1e6, where no careful plugin
        overflows), else report a diverging optimisation."""
        network = self.network_
        rows = slice(0, min(X.shape[0], 1000))
        A = X[rows]
        with np.errstate(all="ignore"):
            for layer, (W, b, act) in enumerate(
                zip(network.coefs, network.intercepts, network.activations)
            ):
                Z = A @ W + b
                A = np.asarray(act.forward(Z))
                if _moderate(Z) and not np.isfinite(A).all():
                    return _NonFiniteLoss(
                        f"The activation {act!r} of layer {layer + 1} returned "
                        "NaN or inf for finite input. Fix the plugin (clip its "
                        "exponentials, as the built-in activations do)."
                    )
            sw = None if sample_weight is None else sample_weight[rows]
            if _moderate(A):
                value = self._loss_and_gradient(Y[rows], A, sw)[0]
                if not np.isfinite(value):
                    return _NonFiniteLoss(
                        f"The loss {self.loss_function_!r} returned {value} for "
                        "a finite network output. Fix the plugin (compute it in "
                        "the log domain, as the built-in losses do)."
                    )
        # scikit-learn's sentence, so that code matching it still does.
        return _NonFiniteLoss(
            f"{what}. Solver produced non-finite parameter weights. The input "
            "data may contain large values and need to be preprocessed (scale "
            "the features), or lower learning_rate_init (now "
            f"{self.learning_rate_init})."
        )

    def _next_order(self):
        """The sample order of the next epoch: the previous one shuffled in
        place, which draws the same random numbers as scikit-learn's MLP."""
        self._random_state.shuffle(self._order)
        return self._order

    def _fit_stochastic(self, X, y, Y, sample_weight, incremental):
        network, schedule = self.network_, self.schedule_
        early_stopping = self.early_stopping
        if early_stopping:
            X, Y, sample_weight, X_val, y_val, Y_val, sw_val = self._split_validation(
                X, y, Y, sample_weight
            )
        n_samples = X.shape[0]
        batch_size = self._batch_size(X)
        last_good = network.params.copy()  # the last parameters with a finite loss
        callbacks = self._callbacks()
        epochs = 1 if incremental else self.max_iter
        self.n_iter_ = 0  # epochs of this call, as in scikit-learn
        self._order = np.arange(n_samples)
        reason = None

        for _ in range(epochs):
            start_time = time.perf_counter()
            epoch_start = network.params.copy()
            try:
                # Overflow during a diverging run is reported below, by name.
                with np.errstate(over="ignore", invalid="ignore"):
                    epoch_loss, rate = self._run_epoch(
                        X, Y, sample_weight, batch_size, last_good
                    )
                if not np.isfinite(epoch_loss) and early_stopping:
                    # Diverged: the validation score is NaN, and the best
                    # weights are restored below (scikit-learn's behaviour).
                    self.n_iter_ += 1
                    self.loss_curve_.append(epoch_loss)
                    self.validation_scores_.append(float("nan"))
                    self.validation_loss_curve_.append(float("nan"))
                    reason = (
                        f"the training loss became {epoch_loss} at epoch "
                        f"{self.n_iter_} (diverged)"
                    )
                    kept = (
                        "The best validation weights were restored"
                        if self._best_params is not None
                        else "No epoch finished: the weights before the "
                        "diverging step were kept"
                    )
                    warnings.warn(
                        f"The training loss became {epoch_loss}: the steps "
                        f"diverged. {kept}; lower learning_rate_init or scale "
                        "the features.",
                        ConvergenceWarning,
                        stacklevel=4,
                    )
                    break
                if not np.isfinite(epoch_loss):
                    raise self._blame_non_finite(
                        X,
                        Y,
                        sample_weight,
                        f"The training loss became {epoch_loss} at epoch "
                        f"{self.n_iter_ + 1}",
                    )
            except KeyboardInterrupt:
                network.params[...] = epoch_start
                warnings.warn(
                    "Training interrupted by user: the weights of the last "
                    f"completed epoch ({self.n_iter_}) were kept.",
                    UserWarning,
                    stacklevel=4,
                )
                reason = "interrupted by the user (Ctrl-C)"
                break

            self.n_iter_ += 1
            self._n_epochs += 1
            self.t_ += n_samples
            self._schedule_t = self.t_
            self.loss_curve_.append(epoch_loss)
            info = {
                "epoch": self.n_iter_,
                "loss": epoch_loss,
                "learning_rate": rate,
            }
            if early_stopping:
                val_loss = self._loss_on(X_val, Y_val, sw_val)
                val_score = self._validation_score(X_val, y_val, sw_val)
                self.validation_loss_curve_.append(val_loss)
                self.validation_scores_.append(val_score)
                info.update(validation_loss=val_loss, validation_score=val_score)
                # scikit-learn's rules, to the letter.
                improved = val_score >= self.best_validation_score_ + self.tol
                if val_score > self.best_validation_score_:
                    self.best_validation_score_ = val_score
                    self._best_params = network.params.copy()
                    self._best_epoch = self.n_iter_
            else:
                improved = epoch_loss <= self.best_loss_ - self.tol
                self.best_loss_ = min(self.best_loss_, epoch_loss)
            info["time"] = time.perf_counter() - start_time
            self._say(_epoch_line(info))

            self._no_improvement_count = (
                0 if improved else self._no_improvement_count + 1
            )
            if self._run_callbacks(callbacks, info):
                reason = f"a callback returned True at epoch {self.n_iter_}"
                break
            if incremental:
                break
            if self._no_improvement_count > self.n_iter_no_change:
                what = "Validation score" if early_stopping else "Training loss"
                plateau = (
                    f"{what} did not improve more than tol={self.tol:f} for "
                    f"{self.n_iter_no_change} consecutive epochs."
                )
                # on_plateau is optional for schedule plugins: default, stop.
                on_plateau = getattr(schedule, "on_plateau", None)
                if on_plateau is not None and on_plateau():
                    self._no_improvement_count = 0
                    rate = schedule.learning_rate(self._schedule_t, self._n_epochs)
                    self._say(f"{plateau} Setting learning rate to {rate:f}")
                    continue
                reason = f"{plateau} Stopping (patience n_iter_no_change)."
                break
        else:
            if not incremental:
                reason = f"reached max_iter={self.max_iter} epochs"
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                    stacklevel=4,
                )

        if reason is not None:
            self._say(f"Training stopped: {reason}")
        if early_stopping and self._best_params is not None:
            network.params[...] = self._best_params
            self._say(
                f"Early stopping: restored the weights of epoch {self._best_epoch} "
                f"(best validation score {self.best_validation_score_:.6f})."
            )

    def _run_epoch(self, X, Y, sample_weight, batch_size, last_good):
        """One pass of minibatch updates; returns the mean loss and the last rate.

        Before each step, the parameters whose loss was just found finite are
        copied to ``last_good``; if a loss is not finite, they are restored from
        it and that loss (inf or nan) is returned; if the final parameters are
        not finite, likewise, with nan.
        """
        network, optimizer, schedule = self.network_, self.optimizer_, self.schedule_
        n_samples = X.shape[0]
        # Shuffle by gathering each minibatch into a reused buffer: copying the
        # whole shuffled dataset would allocate (and page-fault) its full size
        # every epoch, which costs more than the epoch's arithmetic on MNIST.
        order = self._next_order() if self.shuffle else None
        gather = _BatchGatherer(X, Y, sample_weight, batch_size)
        total_loss, total_weight = 0.0, 0.0
        try:
            for begin in range(0, n_samples, batch_size):
                X_b, Y_b, sw = gather(order, begin)
                rate = schedule.learning_rate(self._schedule_t, self._n_epochs)
                loss = self._objective(network, X_b, Y_b, sw)
                if not np.isfinite(loss):
                    network.params[...] = last_good
                    return loss, rate
                np.copyto(last_good, network.params)
                optimizer.step(network.params, network.grad, rate)
                self.n_updates_ += 1
                weight = Y_b.shape[0] if sw is None else sw.sum()
                total_loss += loss * weight
                total_weight += weight
        finally:
            # The network's scratch arrays hold training activations: free them.
            network.release_buffers()
        if not np.isfinite(network.params).all():
            network.params[...] = last_good
            return np.nan, rate
        return total_loss / total_weight, rate

    def _fit_full_batch(self, X, Y, sample_weight):
        network, callbacks = self.network_, self._callbacks()
        progress = {"params": network.params.copy(), "time": time.perf_counter()}
        self.n_iter_ = 0

        def fun(theta):
            network.params[...] = theta
            value = self._objective(network, X, Y, sample_weight)
            return value, network.grad.astype(np.float64)

        def on_iteration(intermediate_result):
            self.n_iter_ += 1
            value = float(intermediate_result.fun)
            progress["params"] = intermediate_result.x.copy()
            self.loss_curve_.append(value)
            self.best_loss_ = min(self.best_loss_, value)
            now = time.perf_counter()
            info = {
                "epoch": self.n_iter_,
                "loss": value,
                "time": now - progress["time"],
            }
            progress["time"] = now
            self._say(_epoch_line(info))
            if self._run_callbacks(callbacks, info):
                raise StopIteration

        try:
            with np.errstate(over="ignore", invalid="ignore"):
                theta, n_iter, message = self.optimizer_.minimize(
                    fun, network.params, self.max_iter, self.tol, callback=on_iteration
                )
            # The optimizer's own count: a plugin need not call the callback.
            self.n_iter_ = int(n_iter)
        except KeyboardInterrupt:
            theta = progress["params"]
            warnings.warn(
                "Training interrupted by user: the weights of the last "
                f"completed iteration ({self.n_iter_}) were kept.",
                UserWarning,
                stacklevel=4,
            )
            message = "interrupted by the user (Ctrl-C)"
        network.params[...] = theta
        with np.errstate(over="ignore", invalid="ignore"):
            final = self._objective(network, X, Y, sample_weight)
        network.release_buffers()  # a fitted model holds no training activations
        if not np.isfinite(network.params).all() or not np.isfinite(final):
            network.params[...] = progress["params"]
            raise self._blame_non_finite(
                X, Y, sample_weight, "L-BFGS produced a non-finite loss"
            )
        if not self.loss_curve_ or self.loss_curve_[-1] != final:
            self.loss_curve_.append(float(final))
        self.t_ += X.shape[0]
        self._say(f"Training stopped: {message}")
        if "LIMIT" in str(message).upper():  # max_iter or max_fun reached
            warnings.warn(
                f"lbfgs failed to converge after {self.n_iter_} iteration(s) "
                f"(status=1): {message}. Increase the number of iterations "
                "(max_iter, max_fun) or scale the data.",
                ConvergenceWarning,
                stacklevel=4,
            )

    # ------------------------------------------------------------ inspection
    @property
    def coefs_(self):
        """List of weight matrices, ``coefs_[l]`` of shape (fan_in, fan_out).

        Assignable as in scikit-learn: assigning a list of arrays, or one
        entry, copies the values into the network's parameter vector (the
        shapes must match). Before any fit, assigned ``coefs_`` and
        ``intercepts_`` are the starting weights of ``partial_fit`` and of
        ``fit`` with ``warm_start=True``.
        """
        return self._layer_list("coefs")

    @coefs_.setter
    def coefs_(self, value):
        self._assign_layers("coefs", value)

    @property
    def intercepts_(self):
        """List of bias vectors, ``intercepts_[l]`` of shape (fan_out,).

        Assignable like :attr:`coefs_`.
        """
        return self._layer_list("intercepts")

    @intercepts_.setter
    def intercepts_(self, value):
        self._assign_layers("intercepts", value)

    def _layer_list(self, kind):
        network = self.__dict__.get("network_")
        if network is not None:
            return _LayerList(getattr(network, kind), f"{kind}_")
        assigned = self.__dict__.get(f"_assigned_{kind}")
        if assigned is None:
            check_is_fitted(self, "network_")
        return assigned

    def _assign_layers(self, kind, value):
        network = self.__dict__.get("network_")
        if network is None:
            # Unfitted: kept as given (a list the caller may fill entry by
            # entry, as scikit-learn's tests do) and checked when fit uses it.
            self.__dict__[f"_assigned_{kind}"] = list(value)
            return
        targets = getattr(network, kind)
        value = list(value)
        if len(value) != len(targets):
            raise ValueError(
                f"{kind}_ must hold one array per layer: {len(targets)} arrays of "
                f"shapes {[t.shape for t in targets]}, got {len(value)}. To change "
                "the architecture, set hidden_layer_sizes and refit."
            )
        for layer, item in enumerate(value):
            _copy_into(targets[layer], item, f"{kind}_[{layer}]")

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


class _NonFiniteLoss(ValueError):
    """Training met a non-finite loss; ``_fit`` appends what it kept."""


def _outcome(continued):
    """The sentence saying what a diverging fit leaves behind."""
    if continued:
        return (
            "The weights of the last step with a finite loss were kept: the "
            "estimator stays fitted, with those weights."
        )
    return (
        "The estimator is left as it was before this fit (unfitted if it was "
        "never fitted)."
    )


class _LayerList(list):
    """``coefs_`` / ``intercepts_`` of a fitted network: views into its
    parameter vector; assigning an entry copies into the view."""

    def __init__(self, views, name):
        super().__init__(views)
        self._name = name

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            views = list.__getitem__(self, index)
            value = list(value)
            if len(value) != len(views):
                raise ValueError(
                    f"Assigning {len(value)} arrays to {len(views)} entries of "
                    f"{self._name}: the number of layers is fixed by the fit."
                )
            for view, item in zip(views, value):
                _copy_into(view, item, self._name)
            return
        _copy_into(list.__getitem__(self, index), value, f"{self._name}[{index}]")

    def _fixed(self, *args, **kwargs):
        raise TypeError(
            f"{self._name} has one entry per layer of the fitted network; its "
            "length cannot change. Set hidden_layer_sizes and refit instead."
        )

    append = extend = insert = pop = remove = clear = __delitem__ = _fixed
    __iadd__ = __imul__ = sort = reverse = _fixed

    def __reduce__(self):
        # Copied or pickled, it is a plain list of arrays (copies of the
        # weights), as scikit-learn's coefs_.
        return list, (list(self),)


def _copy_into(target, value, name):
    """Copy ``value`` into the parameter view ``target``, checking its shape."""
    value = np.asarray(value)
    if value.shape != target.shape or value.dtype.kind not in "fiub":
        raise ValueError(
            f"{name} must be an array of real numbers of shape {target.shape}, "
            f"got shape {value.shape} and dtype {value.dtype}. To change the "
            "architecture, set hidden_layer_sizes and refit."
        )
    target[...] = value


def _copy_layers(network, coefs, intercepts):
    """Copy weights assigned before fitting into a new network, by shape."""
    shapes = [(W.shape, b.shape) for W, b in zip(network.coefs, network.intercepts)]
    given = [[np.shape(W) for W in coefs], [np.shape(b) for b in intercepts]]
    if given != [[W for W, _ in shapes], [b for _, b in shapes]]:
        raise ValueError(
            "The coefs_ and intercepts_ assigned before fitting do not fit the "
            "network of these data and hidden_layer_sizes: expected shapes "
            f"{[W for W, _ in shapes]} and {[b for _, b in shapes]}, got "
            f"{given[0]} and {given[1]}."
        )
    for layer, (W, b) in enumerate(zip(coefs, intercepts)):
        _copy_into(network.coefs[layer], W, f"coefs_[{layer}]")
        _copy_into(network.intercepts[layer], b, f"intercepts_[{layer}]")


class _BatchGatherer:
    """Minibatch ``begin`` of ``(X, Y, sample_weight)`` in the order ``order``.

    Dense rows are gathered with ``np.take(..., out=)`` into buffers allocated
    once; without shuffling (``order=None``) batches are views.
    """

    def __init__(self, X, Y, sample_weight, batch_size):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size = batch_size
        self.dense = not sp.issparse(X)
        if self.dense:
            self.X_buffer = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
        self.Y_buffer = np.empty((batch_size, Y.shape[1]), dtype=Y.dtype)

    def __call__(self, order, begin):
        sw = self.sample_weight
        if order is None:
            batch = slice(begin, begin + self.batch_size)
            return self.X[batch], self.Y[batch], None if sw is None else sw[batch]
        rows = order[begin : begin + self.batch_size]
        n = rows.size
        if self.dense:
            X_b = np.take(self.X, rows, axis=0, out=self.X_buffer[:n])
        else:
            X_b = self.X[rows]
        Y_b = np.take(self.Y, rows, axis=0, out=self.Y_buffer[:n])
        return X_b, Y_b, None if sw is None else sw[rows]


def _check_output(activation, method, layer, array, shape, dtype):
    """Name an activation whose ``method`` returned the wrong shape or dtype."""
    if array.shape != shape or array.dtype != dtype:
        raise ValueError(
            f"The activation {activation!r} of layer {layer + 1} returned from "
            f"{method} an array of shape {array.shape} and dtype {array.dtype} "
            f"for pre-activations of dtype {dtype}; expected shape {shape} and "
            f"dtype {dtype}. Fix its {method} method (multiply by Python floats, "
            "not numpy float64 scalars, to keep float32 arrays float32)."
        )


def _moderate(a):
    """True if every entry is finite and at most 1e6 in magnitude."""
    return bool(np.isfinite(a).all() and np.abs(a).max(initial=0.0) <= 1e6)


def _epoch_line(info):
    parts = [f"Iteration {info['epoch']}, loss = {info['loss']:.8f}"]
    if "validation_loss" in info:
        parts.append(f"validation loss = {info['validation_loss']:.8f}")
        parts.append(f"validation score = {info['validation_score']:.6f}")
    if "learning_rate" in info:
        parts.append(f"learning rate = {info['learning_rate']:.3g}")
    parts.append(f"time = {info['time']:.3f}s")
    return ", ".join(parts)
