r"""One hidden layer, three ways to fit it: backpropagation, random features, greedy."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.sparsefuncs import mean_variance_axis
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from sklearn_mathdl.neural_network._affine import second_moment, standardise
from sklearn_mathdl.neural_network._greedy import greedy_fit
from sklearn_mathdl.neural_network._multilayer_perceptron import MLPRegressor
from sklearn_mathdl.neural_network._network import DenseNetwork
from sklearn_mathdl.neural_network._random_features import (
    FixedInitializer,
    gcv_ridge,
    sample_ramps,
    weighted_ridge,
)
from sklearn_mathdl.plugins import (
    ACTIVATIONS,
    OPTIMIZERS,
    CarriedPluginsMixin,
    PluginConstraint,
    get_activation,
)
from sklearn_mathdl.utils._threads import blas_threads

_GREEDY_ACTIVATIONS = "sigmoid, tanh, relu, relu_squared or relu_cubed"
# Ridge (standardised units) of the output layer that backpropagation starts from.
_START_RIDGE = 1e-2


def _weighted_moments(X, weights):
    """Weighted mean and variance of each column (``weights`` sum to 1)."""
    if sparse.issparse(X):
        return mean_variance_axis(X, axis=0, weights=weights)
    mean = weights @ X
    return mean, weights @ (X - mean) ** 2


def _check_elementwise(activation):
    """A ramp a_i sigma(w_i . x + b_i) needs an activation acting entry by entry."""
    probe = np.linspace(-2.0, 2.0, 12).reshape(4, 3)
    try:
        out = np.asarray(activation.forward(probe))
        columns = np.column_stack(
            [np.asarray(activation.forward(probe[:, [j]]))[:, 0] for j in range(3)]
        )
    except Exception as exc:
        raise ValueError(
            f"The activation {activation!r} failed on a test input ({exc}); a "
            "shallow approximator needs an elementwise activation such as "
            f"{_GREEDY_ACTIVATIONS}."
        ) from exc
    if (
        getattr(activation, "pieces", 1) != 1
        or out.shape != probe.shape
        or not np.allclose(out, columns, equal_nan=True)
    ):
        raise ValueError(
            f"The activation {activation!r} is not elementwise, so the network is "
            "not a sum of ramps a_i sigma(w_i . x + b_i). Use an elementwise "
            f"activation such as {_GREEDY_ACTIVATIONS}."
        )


def _check_dictionary(activation):
    """Leshno et al. (1993): ridge functions are dense iff sigma is not a polynomial."""
    z = np.linspace(-4.0, 4.0, 81)
    with np.errstate(all="ignore"):
        s = np.asarray(activation.forward(z[:, None]), dtype=np.float64)[:, 0]
    if not np.all(np.isfinite(s)):
        raise ValueError(
            f"The activation {activation!r} is not finite on [-4, 4]; "
            "method='greedy' needs a finite dictionary such as "
            f"{_GREEDY_ACTIVATIONS}."
        )
    V = np.vander(z / 4.0, 6)
    residual = s - V @ np.linalg.lstsq(V, s, rcond=None)[0]
    if np.max(np.abs(residual)) <= 1e-8 * max(1.0, float(np.max(np.abs(s)))):
        raise ValueError(
            f"The activation {activation!r} is a polynomial on [-4, 4], so its "
            "ridge functions sigma(w . x + b) span only polynomials of bounded "
            "degree (Leshno et al. 1993) and cannot serve as a dictionary for "
            f"method='greedy'. Use a non-polynomial activation: {_GREEDY_ACTIVATIONS}."
        )


def _train_error(activation, X, Y, weights, W, b, A, a0):
    H = np.asarray(activation.forward(X @ W.T + b), dtype=np.float64)
    return float(weights @ ((H @ A + a0 - Y) ** 2).sum(axis=1))


class ShallowUniversalApproximator(CarriedPluginsMixin, RegressorMixin, BaseEstimator):
    r"""One-hidden-layer network :math:`G(x) = \sum_i a_i \sigma(w_i\cdot x + b_i) + a_0`.

    Universal approximation (Cybenko 1989, Hornik 1991, Leshno et al. 1993):
    for a continuous non-polynomial :math:`\sigma`, such sums are dense in
    :math:`C(K)` for every compact :math:`K`. Barron (1993): for :math:`f` with
    :math:`C_f = \int |\omega| |\tilde f(\omega)| d\omega < \infty` and data in
    the ball of radius :math:`r`, some network of ``n`` sigmoidal units has

    .. math::

        \|f - G_n\|_{L^2(\mu)}^2 \le \frac{(2 r C_f)^2}{n} .

    Three ways to find the parameters (inputs and targets are standardised
    internally; the fitted attributes are in the original units):

    - ``method="backprop"``: all of :math:`(w_i, b_i, a_i, a_0)` trained by the
      shared training machinery of the MLPs (L-BFGS by default, Adam/SGD
      available) on the weighted squared error plus
      :math:`\tfrac{\alpha}{2 \sum_i s_i} \sum_i |w_i|^2 + |a|^2`, from a
      data-aware start: the ramps of ``method="random"`` with output weights
      solved by ridge least squares (penalty at least 0.01 in standardised
      units, a well-conditioned start), or the greedy network
      (``init="greedy"``).
    - ``method="random"``: ramps placed in the data at random (random
      features, Extreme Learning Machine), output weights by weighted ridge
      least squares, the penalty chosen by generalised cross-validation
      (``ridge_selection="gcv"``); ``backprop_refine`` iterations of
      backpropagation may follow.
    - ``method="greedy"``: neurons added one at a time, each the dictionary
      element most correlated with the residual (searched over
      ``n_candidates`` ramps, then refined), all output weights re-solved by
      least squares (orthogonal greedy algorithm, Siegel & Xu 2021), or the
      relaxed greedy algorithm of Jones (1992) and Barron (1993) with
      ``greedy="relaxed"``. Both reach squared error :math:`O(1/n)` on
      Barron's class; for :math:`\mathrm{ReLU}^k` units in dimension ``d``
      the orthogonal one reaches :math:`O(n^{-1 - (2k+1)/d})`.

    Parameters
    ----------
    n_neurons : int, default=64
        Number of hidden units :math:`n`.
    activation : str or activation object, default="sigmoid"
        An elementwise activation from the shared registry
        (:func:`sklearn_mathdl.plugins.available_activations`): ``"sigmoid"``,
        ``"tanh"``, ``"relu"``, ``"relu_squared"``, ``"relu_cubed"``, any
        registered plugin. ``method="greedy"`` needs it not to be a polynomial.
    method : {"backprop", "random", "greedy"}, default="backprop"
    greedy : {"orthogonal", "relaxed"}, default="orthogonal"
        Variant of ``method="greedy"``.
    init : {"random", "greedy"}, default="random"
        Starting point of ``method="backprop"``: the data-aware random ramps
        with least-squares output weights, or the network the greedy
        algorithm builds (slower to start, often a better end point).
    alpha : float, default=1e-5
        L2 penalty, scaled as in the MLPs: :math:`\alpha / \sum_i s_i` times the
        squared weights, added to the mean squared error: the ridge of the
        least-squares solve of ``method="random"`` (with
        ``ridge_selection="fixed"``; one of the candidates of ``"gcv"``) and the
        weight decay of the backpropagation. ``method="greedy"`` solves exactly in its orthonormal
        basis (ramps nearly dependent on the chosen ones are rejected).
    solver : str or optimizer object, default="lbfgs"
        Optimizer of the backpropagation (``"lbfgs"``, ``"adam"``, ``"sgd"``
        or any registered optimizer).
    max_iter : int, default=200
        Backpropagation iterations (L-BFGS) or epochs (Adam, SGD).
    tol : float, default=1e-4
        Tolerance of the backpropagation (as in the MLPs: L-BFGS stops when
        the largest gradient entry, in standardised units, falls below it).
    learning_rate_init : float, default=1e-3
        Step size of Adam and SGD.
    batch_size : int or "auto", default="auto"
        Minibatch size of Adam and SGD.
    weight_scale : float, default=1.0
        Typical slope of a ramp along its direction, in units of the data's
        spread: slopes are drawn log-uniformly in ``[weight_scale / 10,
        10 * weight_scale]``.
    n_candidates : int, default=32
        Ramps drawn at each greedy step.
    refine_steps : int, default=10
        L-BFGS steps refining the best candidate's correlation (greedy).
    backprop_refine : int, default=0
        Backpropagation iterations after the least-squares solve
        (``method="random"``).
    ridge_selection : {"gcv", "fixed"}, default="gcv"
        Penalty of the output least squares of ``method="random"``:
        ``"fixed"`` uses :math:`\alpha / \sum_i s_i`; ``"gcv"`` chooses, among
        it and :math:`\bar s\, 10^{-j}` (:math:`j = 0, \dots, 12`,
        :math:`\bar s` the mean eigenvalue of the centred Gram matrix of the
        ramps), the penalty that
        minimises the generalised cross-validation estimate of the held-out
        error (Golub, Heath & Wahba 1979), from one eigendecomposition of the
        ``n_neurons x n_neurons`` Gram matrix, the sample weights counted as
        repeats. Random ramps are nearly collinear, so the best penalty
        ranges from large (noisy, few samples) to the round-off level
        (smooth noiseless targets); GCV finds it from the training data.
        ``alpha_`` holds the penalty used.
    random_state : int, RandomState instance or None, default=None
    verbose : bool, default=False
        Print the backpropagation progress.

    Attributes
    ----------
    hidden_weights_ : ndarray of shape (n_neurons_, n_features_in_)
        The :math:`w_i`.
    hidden_bias_ : ndarray of shape (n_neurons_,)
        The :math:`b_i`.
    output_weights_ : ndarray of shape (n_neurons_,) or (n_neurons_, n_outputs_)
        The :math:`a_i` (one column per output for a 2-d ``y``).
    output_bias_ : float or ndarray of shape (n_outputs_,)
        The :math:`a_0`.
    n_neurons_ : int
        Hidden units of the fitted network (for ``method="greedy"`` fewer than
        ``n_neurons`` only if no candidate adds a new direction, e.g. more
        neurons than distinct samples).
    n_outputs_ : int
    activation_ : activation object
    network_ : DenseNetwork
        The fitted network in the shared core (``predict`` runs it).
    approximation_curve_ : dict of ndarray
        ``method="greedy"`` only: ``n_neurons`` (1, 2, ...), ``train_mse``
        and, when validation data are passed to :meth:`fit`,
        ``validation_mse`` after each added neuron.
    alpha_ : float
        Penalty of the output least squares of ``method="random"`` in the units
        of ``alpha`` (``alpha`` itself with ``ridge_selection="fixed"`` and for
        the other methods).
    n_iter_ : int
        Backpropagation iterations (L-BFGS) or epochs run; without
        backpropagation, the greedy steps (``method="greedy"``) or 1 (the one
        least-squares solve of ``method="random"``).
    loss_curve_ : list of float
        Backpropagation training loss (standardised units), empty when none.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has feature names.

    See Also
    --------
    sklearn_mathdl.theory.barron_bound : Barron's bound on the squared error.
    sklearn.neural_network.MLPRegressor : scikit-learn's MLP.
    sklearn.kernel_approximation.RBFSampler : random Fourier features.

    Notes
    -----
    Orthogonal greedy step (Siegel & Xu 2021), with residual
    :math:`r_{k-1} = y - f_{k-1}` and :math:`\langle\cdot,\cdot\rangle` the
    weighted empirical inner product:

    .. math::

        g_k = \operatorname*{arg\,max}_{|g| = 1} |\langle r_{k-1}, g\rangle|, \qquad
        f_k = P_{\operatorname{span}\{1, g_1, \dots, g_k\}}\, y .

    Relaxed greedy step (Jones 1992, Barron 1993):
    :math:`f_k = (1 - \alpha_k) f_{k-1} + \beta_k g_k`.

    References
    ----------
    G. Cybenko, "Approximation by superpositions of a sigmoidal function",
    Math. Control Signals Systems 2, 1989.
    K. Hornik, "Approximation capabilities of multilayer feedforward networks",
    Neural Networks 4, 1991.
    A. R. Barron, "Universal approximation bounds for superpositions of a
    sigmoidal function", IEEE Trans. Inf. Theory 39(3), 1993.
    G.-B. Huang, Q.-Y. Zhu, C.-K. Siew, "Extreme learning machine: theory and
    applications", Neurocomputing 70, 2006.
    J. W. Siegel and J. Xu, "Optimal convergence rates for the orthogonal greedy
    algorithm", 2021, arXiv:2106.15000.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl import ShallowUniversalApproximator
    >>> X = np.linspace(-1, 1, 200)[:, None]
    >>> y = np.sin(3 * np.pi * X[:, 0])
    >>> model = ShallowUniversalApproximator(
    ...     16, method="greedy", random_state=0
    ... ).fit(X, y)
    >>> model.hidden_weights_.shape, model.output_weights_.shape
    ((16, 1), (16,))
    >>> bool(model.approximation_curve_["train_mse"][-1] < 1e-2)
    True
    """

    # Run-time plugins travel with the pickle (n_jobs workers, fresh processes).
    _plugin_parameters = {"activation": ACTIVATIONS, "solver": OPTIMIZERS}

    _parameter_constraints: dict = {
        "n_neurons": [Interval(Integral, 1, None, closed="left")],
        # Resolved in fit (plugins registered later are accepted).
        "activation": [PluginConstraint(ACTIVATIONS)],
        "method": [StrOptions({"backprop", "random", "greedy"})],
        "greedy": [StrOptions({"orthogonal", "relaxed"})],
        "init": [StrOptions({"random", "greedy"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "solver": [PluginConstraint(OPTIMIZERS)],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "weight_scale": [Interval(Real, 0, None, closed="neither")],
        "n_candidates": [Interval(Integral, 1, None, closed="left")],
        "refine_steps": [Interval(Integral, 0, None, closed="left")],
        "backprop_refine": [Interval(Integral, 0, None, closed="left")],
        "ridge_selection": [StrOptions({"gcv", "fixed"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_neurons=64,
        *,
        activation="sigmoid",
        method="backprop",
        greedy="orthogonal",
        init="random",
        alpha=1e-5,
        solver="lbfgs",
        max_iter=200,
        tol=1e-4,
        learning_rate_init=1e-3,
        batch_size="auto",
        weight_scale=1.0,
        n_candidates=32,
        refine_steps=10,
        backprop_refine=0,
        ridge_selection="gcv",
        random_state=None,
        verbose=False,
    ):
        self.n_neurons = n_neurons
        self.activation = activation
        self.method = method
        self.greedy = greedy
        self.init = init
        self.alpha = alpha
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.weight_scale = weight_scale
        self.n_candidates = n_candidates
        self.refine_steps = refine_steps
        self.backprop_refine = backprop_refine
        self.ridge_selection = ridge_selection
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------- helpers
    def _resolve(self):
        """Look every plugin up and check it; raises before any state changes."""
        activation = get_activation(self.activation)
        _check_elementwise(activation)
        if self.method == "greedy":
            _check_dictionary(activation)
        backprop_iter = {
            "backprop": self.max_iter,
            "random": self.backprop_refine,
            "greedy": 0,
        }[self.method]
        if self.method == "backprop" and self.init == "greedy":
            _check_dictionary(activation)
        return activation, backprop_iter

    @staticmethod
    def _check_targets(y):
        try:
            values = np.asarray(y)
        except (TypeError, ValueError):
            return  # validate_data reports it
        if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
            raise ValueError(
                "The target y contains NaN or infinity. Remove those samples "
                "(or impute the targets) before fitting: a regressor needs a "
                "finite target for every sample."
            )

    def _backprop(self, Xs, Ys, sample_weight, hidden, output, activation, n_iter, rng):
        """Train every parameter with the shared machinery, from the given layers.

        A centred sparse design is trained on as :math:`Z = X S^{-1}` (sparse),
        the centring moved into the biases: :math:`b' = b - W c`.
        """
        shift = getattr(Xs, "shift", None)
        if shift is not None:
            Xs = Xs.scaled
            hidden = (hidden[0], hidden[1] - hidden[0] @ shift)
        init = FixedInitializer(
            ((hidden[0].T.copy(), hidden[1]), (output[0], output[1]))
        )
        model = MLPRegressor(
            hidden_layer_sizes=(hidden[0].shape[0],),
            activation=activation,
            solver=self.solver,
            alpha=self.alpha,
            batch_size=self.batch_size,
            learning_rate_init=self.learning_rate_init,
            max_iter=n_iter,
            tol=self.tol,
            initializer=init,
            random_state=rng,
            verbose=self.verbose,
            dtype="float64",
        )
        with warnings.catch_warnings():
            # A capped iteration count is the user's choice here.
            warnings.filterwarnings("ignore", message=".*(converge|maximum iter).*")
            Y_fit = Ys[:, 0] if Ys.shape[1] == 1 else Ys
            model.fit(Xs, Y_fit, sample_weight=sample_weight)
        net = model.network_
        W1, b1, W2, b2 = (
            np.asarray(a, dtype=np.float64)
            for a in (net.coefs[0], net.intercepts[0], net.coefs[1], net.intercepts[1])
        )
        if shift is not None:
            b1 = b1 + W1.T @ shift
        return (W1.T, b1), (W2.reshape(-1, Ys.shape[1]), b2), model

    # ----------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.input_tags.sparse = True
        return tags

    # -------------------------------------------------------------- fitting
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Fit the network by ``method``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
        X_val, y_val : array-like, default=None
            Validation data: ``method="greedy"`` records its error after each
            neuron in ``approximation_curve_["validation_mse"]``.

        Returns
        -------
        self : ShallowUniversalApproximator
        """
        # Validation sets n_features_in_ before later checks: a fit that raises
        # must leave a previous fit exactly as it was.
        saved_state = self.__dict__.copy()
        try:
            return self._fit(X, y, sample_weight, X_val, y_val)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved_state)
            raise

    def _fit(self, X, y, sample_weight, X_val, y_val):
        self._validate_params()
        activation, backprop_iter = self._resolve()
        self._check_targets(y)
        X, y = self._validate_training_data(X, y)
        validation = None
        if (X_val is None) != (y_val is None):
            raise ValueError("Pass both X_val and y_val, or neither.")
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        total = float(sample_weight.sum())
        omega = sample_weight / total
        Y = y.reshape(y.shape[0], -1)
        if X_val is not None:
            self._check_targets(y_val)
            X_val = validate_data(
                self, X_val, reset=False, accept_sparse="csr", dtype=np.float64
            )
            Y_val = np.asarray(y_val, dtype=np.float64).reshape(X_val.shape[0], -1)
            if Y_val.shape[1] != Y.shape[1]:
                raise ValueError(
                    f"y_val has {Y_val.shape[1]} outputs but y has {Y.shape[1]}."
                )

        # Standardise with the weighted moments (integer weights == repeats).
        x_mean, x_var = _weighted_moments(X, omega)
        x_std = np.sqrt(np.maximum(x_var, 0))
        x_std = np.where(x_std > 1e-12 * np.maximum(1, np.abs(x_mean)), x_std, 1.0)
        y_mean = omega @ Y
        y_std = np.sqrt(np.maximum(omega @ (Y - y_mean) ** 2, 0))
        y_std = np.where(y_std > 1e-12 * np.maximum(1, np.abs(y_mean)), y_std, 1.0)
        Xs = standardise(X, x_mean, x_std)
        Ys = (Y - y_mean) / y_std
        if X_val is not None:
            validation = (standardise(X_val, x_mean, x_std), (Y_val - y_mean) / y_std)

        rng = check_random_state(self.random_state)
        curve, n_iter, loss_curve = None, 0, []
        # Alpha is scaled by the total weight, as in the MLPs' objective.
        ridge = self.alpha / total
        # The products here are thin (samples x features x candidates): one
        # BLAS thread is fastest, and several contend badly on a busy machine.
        with blas_threads(1), np.errstate(over="ignore", under="ignore"):
            if self.method == "greedy" or (
                self.method == "backprop" and self.init == "greedy"
            ):
                W, b, raw_curve, (A, a0) = greedy_fit(
                    Xs,
                    Ys,
                    omega,
                    activation,
                    self.n_neurons,
                    variant=self.greedy,
                    n_candidates=self.n_candidates,
                    refine_steps=self.refine_steps,
                    weight_scale=self.weight_scale,
                    random_state=rng,
                    y_scale=y_std,
                    validation=validation,
                )
                if self.method == "greedy":
                    curve = {"n_neurons": np.arange(1, W.shape[0] + 1), **raw_curve}
            else:
                cov = second_moment(Xs, omega)
                W, b = sample_ramps(cov, self.n_neurons, self.weight_scale, rng)
                H = np.asarray(activation.forward(Xs @ W.T + b), dtype=np.float64)
                if self.method == "random" and self.ridge_selection == "gcv":
                    A, a0, ridge = gcv_ridge(H, Ys, omega, ridge, total)
                else:
                    A, a0 = weighted_ridge(H, Ys, omega, ridge)
        if backprop_iter and W.shape[0] > 0:
            start = (W, b, A, a0)
            if self.method != "greedy" and self.init == "random":
                # Nearly collinear random ramps give least-squares output
                # weights of 1e2-1e3 that L-BFGS then struggles to leave; a
                # firmer ridge gives a well-conditioned start (measured: 2-10x
                # lower held-out error after 200 iterations).
                A, a0 = weighted_ridge(H, Ys, omega, max(ridge, _START_RIDGE))
            (W, b), (A, a0), model = self._backprop(
                Xs, Ys, sample_weight, (W, b), (A, a0), activation, backprop_iter, rng
            )
            n_iter, loss_curve = model.n_iter_, list(model.loss_curve_)
            # Keep the least-squares network if training did not beat it
            # (random ramps already resolve smooth 1-d targets to 1e-7).
            if _train_error(activation, Xs, Ys, omega, *start) < _train_error(
                activation, Xs, Ys, omega, W, b, A, a0
            ):
                W, b, A, a0 = start
        elif self.method == "greedy":
            n_iter = W.shape[0]
        else:
            n_iter = 1
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(A))):
            raise ValueError(
                "The fit produced non-finite weights. Lower weight_scale or "
                "raise alpha."
            )

        # Back to the original units: w.(x - mu)/s + b = (w/s).x + (b - (w/s).mu).
        W_raw = W / x_std
        b_raw = b - W_raw @ x_mean
        A_raw = A * y_std
        a0_raw = a0 * y_std + y_mean
        network = DenseNetwork(
            [X.shape[1], W.shape[0], Y.shape[1]],
            [activation, get_activation("identity")],
            np.float64,
        )
        network.coefs[0][...] = W_raw.T
        network.intercepts[0][...] = b_raw
        network.coefs[1][...] = A_raw
        network.intercepts[1][...] = a0_raw

        single = y.ndim == 1
        self.activation_ = activation
        self.network_ = network
        self.hidden_weights_ = W_raw
        self.hidden_bias_ = b_raw
        self.output_weights_ = A_raw[:, 0] if single else A_raw
        self.output_bias_ = float(a0_raw[0]) if single else a0_raw
        self.n_neurons_ = W.shape[0]
        self.n_outputs_ = Y.shape[1]
        self.n_iter_ = n_iter
        self.alpha_ = float(ridge * total)
        self.loss_curve_ = loss_curve
        self._single_output = single
        if curve is not None:
            self.approximation_curve_ = curve
        else:
            self.__dict__.pop("approximation_curve_", None)
        return self

    def _validate_training_data(self, X, y):
        return validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=np.float64,
            multi_output=True,
            y_numeric=True,
        )

    # ----------------------------------------------------------- prediction
    def predict(self, X):
        r""":math:`\sum_i a_i \sigma(w_i\cdot x + b_i) + a_0` for each row of ``X``.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, accept_sparse="csr", dtype=np.float64)
        with np.errstate(over="ignore", under="ignore"):
            out = self.network_.forward(X)
        return out[:, 0] if self._single_output else out
