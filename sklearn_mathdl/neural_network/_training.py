"""Training machinery shared by the estimators built on :class:`DenseNetwork`.

A subclass supplies the target side (how ``y`` is encoded, which loss is
applied to the network output, how validation is scored); this base supplies
plugin resolution, minibatch and full-batch training, stopping rules, early
stopping with best-weight restoration, callbacks, and the recovery rules
(non-finite loss, Ctrl-C).
"""

import time
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from sklearn_mathdl.neural_network._network import DenseNetwork
from sklearn_mathdl.plugins import (
    get_activation,
    get_initializer,
    get_loss,
    get_optimizer,
    get_schedule,
)
from sklearn_mathdl.utils._threads import blas_threads

# BLAS threads pay off only once a layer's matrix product is large: below this
# many multiply-adds per thread, thread start-up costs more than it saves
# (measured: a 200x100x256 float32 product takes ~70 us on one core).
_MULTIPLY_ADDS_PER_BLAS_THREAD = 1_000_000


def value_and_gradient(loss, y, o, sample_weight=None):
    """Call a loss plugin's fused method if it has one, else value and gradient."""
    fused = getattr(loss, "value_and_gradient", None)
    if fused is not None:
        return fused(y, o, sample_weight)
    return (
        loss.value(y, o, sample_weight=sample_weight),
        loss.gradient(y, o, sample_weight=sample_weight),
    )


class BaseDenseEstimator(BaseEstimator):
    """Base class of estimators trained by backpropagation through dense layers.

    Subclasses implement ``_encode_targets(y, classes, reset)`` → encoded
    targets, ``_n_outputs()``, ``_loss_and_gradient(Y, output, sample_weight)`` and
    ``_validation_score(X, y, sample_weight)``.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        # Plugin parameters are resolved in fit, never frozen into StrOptions,
        # so that plugins registered after import are accepted.
        "activation": "no_validation",
        "output_activation": "no_validation",
        "loss": "no_validation",
        "solver": "no_validation",
        "schedule": "no_validation",
        "initializer": "no_validation",
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "dtype": "no_validation",
        "callbacks": [None, list, tuple, callable],
    }

    # ------------------------------------------------------------------ plugins
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.ndim(sizes) == 0 else list(sizes)
        for s in sizes:
            if not isinstance(s, Integral | np.integer) or s < 1:
                raise ValueError(
                    f"hidden_layer_sizes must hold positive integers, got {sizes!r}."
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
            return [get_activation(a) for a in spec]
        return [get_activation(spec) for _ in range(n_hidden)]

    def _resolve_dtype(self):
        # By name: numpy compares np.dtype("float64") == None as True.
        try:
            name = np.dtype(self.dtype).name if self.dtype is not None else None
        except TypeError:
            name = None
        if name not in ("float32", "float64"):
            raise ValueError(
                f"dtype must be 'float32' or 'float64', got {self.dtype!r}."
            )
        return np.dtype(name)

    def _resolve_plugins(self):
        """Look every plugin up; raises before any fitted state is touched."""
        hidden = self._hidden_sizes()
        return dict(
            hidden=hidden,
            activations=self._hidden_activations(len(hidden))
            + [get_activation(self.output_activation)],
            loss=get_loss(self.loss),
            optimizer=get_optimizer(self.solver),
            schedule=get_schedule(self.schedule),
            initializer=get_initializer(self.initializer),
            dtype=self._resolve_dtype(),
        )

    def _callbacks(self):
        if self.callbacks is None:
            return []
        if callable(self.callbacks):
            return [self.callbacks]
        return list(self.callbacks)

    # ------------------------------------------------------------ objective
    def _objective(self, network, X, Y, sample_weight):
        """Penalised loss :math:`L + \\frac{\\alpha}{2 W}\\sum\\|W_l\\|^2` and its gradient.

        ``W`` is the batch's total sample weight (its size when unweighted), as
        in scikit-learn, so ``alpha`` means the same in both packages.
        """
        output = network.forward(X, keep=True)
        value, grad_output = self._loss_and_gradient(Y, output, sample_weight)
        network.backward(grad_output)
        if self.alpha:
            total = X.shape[0] if sample_weight is None else sample_weight.sum()
            value += 0.5 * self.alpha * network.squared_weight_norm() / total
            network.add_weight_decay(self.alpha / total)
        return value

    def _loss_on(self, X, Y, sample_weight):
        output = self.network_.forward(X)
        return self._loss_and_gradient(Y, output, sample_weight)[0]

    # -------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        # Validation may set attributes (n_features_in_, classes_) before a
        # later check fails: restore them so bad input never corrupts a fit.
        saved_state = self.__dict__.copy()
        try:
            X, y, Y, sample_weight = self._prepare_fit(
                X, y, sample_weight, incremental, classes
            )
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved_state)
            raise
        with blas_threads(self._blas_threads(X)):
            if self.optimizer_.full_batch:
                self._fit_full_batch(X, Y, sample_weight)
            else:
                self._fit_stochastic(X, y, Y, sample_weight, incremental)
        return self

    def _prepare_fit(self, X, y, sample_weight, incremental, classes):
        """Validate everything, then build or reuse the network and optimizer."""
        self._validate_params()
        continuing = (incremental or self.warm_start) and hasattr(self, "network_")
        plugins = self._resolve_plugins()
        X, y = self._validate_training_data(X, y, reset=not continuing)
        X = X.astype(plugins["dtype"], copy=False)
        if X.shape[0] == 0:
            raise ValueError("Found array with 0 samples; fit needs at least one.")
        Y = self._encode_targets(y, classes=classes, reset=not continuing)
        sample_weight = self._sample_weight(y, sample_weight, X)

        layer_sizes = [X.shape[1], *plugins["hidden"], self._n_outputs()]
        if continuing:
            if self.network_.layer_sizes != layer_sizes:
                raise ValueError(
                    f"The network has layer sizes {self.network_.layer_sizes} but "
                    f"the parameters now ask for {layer_sizes}. Set "
                    "warm_start=False to train a new network."
                )
        else:
            random_state = check_random_state(self.random_state)
            network = DenseNetwork(
                layer_sizes, plugins["activations"], plugins["dtype"]
            )
            network.initialize(plugins["initializer"], random_state)
            self._random_state = random_state
            self.network_ = network
            self._reset_training_state(network, plugins)
        self.loss_function_ = plugins["loss"]
        return X, y, Y, sample_weight

    def _reset_training_state(self, network, plugins):
        self.optimizer_ = plugins["optimizer"]
        if not self.optimizer_.full_batch:
            self.optimizer_.initialize(network.params)
        self.schedule_ = plugins["schedule"]
        self.schedule_.reset(self.learning_rate_init)
        self.n_iter_ = 0
        self.t_ = 0
        self.n_updates_ = 0
        self.loss_curve_ = []
        self.best_loss_ = np.inf
        self._no_improvement_count = 0
        self._best_params = None
        for name in (
            "validation_loss_curve_",
            "validation_scores_",
            "best_validation_score_",
        ):
            self.__dict__.pop(name, None)

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
        return min(self.batch_size, n)

    def _split_validation(self, X, y, Y, sample_weight):
        raise NotImplementedError

    def _fit_stochastic(self, X, y, Y, sample_weight, incremental):
        network, schedule = self.network_, self.schedule_
        early_stopping = self.early_stopping and not incremental
        if early_stopping:
            if not hasattr(self, "validation_scores_"):
                self.validation_loss_curve_ = []
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
            X, Y, sample_weight, X_val, y_val, Y_val, sw_val = self._split_validation(
                X, y, Y, sample_weight
            )
        n_samples = X.shape[0]
        batch_size = self._batch_size(X)
        last_good = network.params.copy()  # the last parameters with a finite loss
        callbacks = self._callbacks()
        epochs = 1 if incremental else self.max_iter
        stopped = False

        for _ in range(epochs):
            start_time = time.perf_counter()
            epoch_start = network.params.copy()
            try:
                # Overflow during a diverging run is reported below, by name.
                with np.errstate(over="ignore", invalid="ignore"):
                    epoch_loss, rate = self._run_epoch(
                        X, Y, sample_weight, batch_size, last_good
                    )
                if not np.isfinite(epoch_loss):
                    raise ValueError(
                        f"The training loss became {epoch_loss} at epoch "
                        f"{self.n_iter_ + 1}: the steps diverged. Lower "
                        f"learning_rate_init (now {self.learning_rate_init}) "
                        "or scale the features. The weights of the last step "
                        "with a finite loss were kept."
                    )
            except KeyboardInterrupt:
                network.params[...] = epoch_start
                warnings.warn(
                    "Training interrupted by the user: the weights of the last "
                    f"completed epoch ({self.n_iter_}) were kept.",
                    UserWarning,
                    stacklevel=4,
                )
                break

            self.n_iter_ += 1
            self.t_ += n_samples
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
                improved = val_score > self.best_validation_score_ + self.tol
                if val_score > self.best_validation_score_:
                    self.best_validation_score_ = val_score
                    self._best_params = network.params.copy()
            else:
                improved = epoch_loss < self.best_loss_ - self.tol
            self.best_loss_ = min(self.best_loss_, epoch_loss)
            info["time"] = time.perf_counter() - start_time
            if self.verbose:
                print(_epoch_line(info))

            self._no_improvement_count = (
                0 if improved else self._no_improvement_count + 1
            )
            if any(bool(cb(self, info)) for cb in callbacks):
                stopped = True
                break
            if incremental:
                break
            if self._no_improvement_count > self.n_iter_no_change:
                # on_plateau is optional for schedule plugins: default, stop.
                on_plateau = getattr(schedule, "on_plateau", None)
                if on_plateau is not None and on_plateau():
                    self._no_improvement_count = 0
                    if self.verbose:
                        print(
                            f"Loss plateaued: learning rate now "
                            f"{schedule.learning_rate(self.n_updates_, self.n_iter_):g}"
                        )
                    continue
                stopped = True
                break

        if early_stopping and self._best_params is not None:
            network.params[...] = self._best_params
        if not (stopped or incremental) and self.n_iter_ >= self.max_iter:
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) "
                "reached and the optimization hasn't converged yet. Increase "
                "max_iter or tol.",
                ConvergenceWarning,
                stacklevel=4,
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
        order = self._random_state.permutation(n_samples) if self.shuffle else None
        gather = _BatchGatherer(X, Y, sample_weight, batch_size)
        total_loss, total_weight = 0.0, 0.0
        for begin in range(0, n_samples, batch_size):
            X_b, Y_b, sw = gather(order, begin)
            rate = schedule.learning_rate(self.n_updates_, self.n_iter_)
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
        if not np.isfinite(network.params).all():
            network.params[...] = last_good
            return np.nan, rate
        return total_loss / total_weight, rate

    def _fit_full_batch(self, X, Y, sample_weight):
        network, callbacks = self.network_, self._callbacks()
        progress = {"params": network.params.copy(), "time": time.perf_counter()}

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
            if self.verbose:
                print(_epoch_line(info))
            if any(bool(cb(self, info)) for cb in callbacks):
                raise StopIteration

        try:
            theta, _, message = self.optimizer_.minimize(
                fun, network.params, self.max_iter, self.tol, callback=on_iteration
            )
        except KeyboardInterrupt:
            theta = progress["params"]
            warnings.warn(
                "Training interrupted by the user: the weights of the last "
                f"completed iteration ({self.n_iter_}) were kept.",
                UserWarning,
                stacklevel=4,
            )
            message = ""
        network.params[...] = theta
        if not np.isfinite(network.params).all() or not np.isfinite(
            self._objective(network, X, Y, sample_weight)
        ):
            network.params[...] = progress["params"]
            raise ValueError(
                "L-BFGS produced a non-finite loss. Scale the features or raise "
                "alpha. The weights of the last finite iteration were kept."
            )
        self.t_ += X.shape[0]
        if "ITERATIONS REACHED LIMIT" in str(message).upper():
            warnings.warn(
                f"lbfgs failed to converge after {self.max_iter} iterations. "
                "Increase max_iter or scale the data.",
                ConvergenceWarning,
                stacklevel=4,
            )

    # ------------------------------------------------------------ inspection
    @property
    def coefs_(self):
        """List of weight matrices, ``coefs_[l]`` of shape (fan_in, fan_out)."""
        check_is_fitted(self, "network_")
        return self.network_.coefs

    @property
    def intercepts_(self):
        """List of bias vectors, ``intercepts_[l]`` of shape (fan_out,)."""
        check_is_fitted(self, "network_")
        return self.network_.intercepts

    @property
    def loss_(self):
        """The training loss at the end of fitting (scikit-learn's ``loss_``)."""
        check_is_fitted(self, "network_")
        return self.loss_curve_[-1] if self.loss_curve_ else np.nan

    @property
    def n_layers_(self):
        """Number of layers, input and output included (scikit-learn's ``n_layers_``)."""
        check_is_fitted(self, "network_")
        return len(self.network_.layer_sizes)

    @property
    def n_outputs_(self):
        """Number of output units."""
        check_is_fitted(self, "network_")
        return self.network_.layer_sizes[-1]

    def _forward(self, X):
        check_is_fitted(self, "network_")
        X = self._validate_prediction_data(X)
        if not sp.issparse(X):
            X = X.astype(self.network_.dtype, copy=False)
        else:
            X = X.astype(self.network_.dtype)
        return self.network_.forward(X)


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


def _epoch_line(info):
    parts = [f"Iteration {info['epoch']}, loss = {info['loss']:.8f}"]
    if "validation_loss" in info:
        parts.append(f"validation loss = {info['validation_loss']:.8f}")
        parts.append(f"validation score = {info['validation_score']:.6f}")
    if "learning_rate" in info:
        parts.append(f"learning rate = {info['learning_rate']:.3g}")
    parts.append(f"time = {info['time']:.3f}s")
    return ", ".join(parts)
