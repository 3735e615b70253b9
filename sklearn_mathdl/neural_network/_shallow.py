r"""One hidden layer, three ways to fit it: backpropagation, random features, greedy."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from sklearn_mathdl.neural_network._affine import second_moment
from sklearn_mathdl.neural_network._greedy import greedy_fit
from sklearn_mathdl.neural_network._random_features import (
    gcv_ridge,
    sample_ramps,
    weighted_ridge,
)
from sklearn_mathdl.neural_network._shallow_activation import (
    CheckedActivation,
    check_dictionary,
    check_elementwise,
)
from sklearn_mathdl.neural_network._shallow_backprop import fit_backprop
from sklearn_mathdl.neural_network._shallow_data import (
    prepare_training_data,
    validate_numeric,
)
from sklearn_mathdl.neural_network._shallow_network import (
    build_network,
    check_predictions,
    read_only,
    to_original_units,
    training_error,
)
from sklearn_mathdl.plugins import (
    ACTIVATIONS,
    OPTIMIZERS,
    CarriedPluginsMixin,
    PluginConstraint,
    get_activation,
)
from sklearn_mathdl.utils._threads import blas_threads
from sklearn_mathdl.utils._transaction import fit_transaction

# Ridge (standardised units) of the output layer that backpropagation starts from.
_START_RIDGE = 1e-2


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
        10 * weight_scale]``. At most ``1e6`` (steeper ramps are steps at the
        resolution of any data set, and their weights and pre-activations
        would overflow).
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
        Seed of the random draws (initial or random hidden weights, greedy
        candidates, minibatch order); an int makes fits reproducible.
    verbose : bool, default=False
        Print the backpropagation progress.

    Attributes
    ----------
    network_ : DenseNetwork
        The fitted network, layer sizes ``(n_features_in_, n_neurons_,
        n_outputs_)``, activations ``(activation_, identity)``: the one place
        the weights are stored (``predict`` runs it). The five attributes
        below are read-only views into it.
    hidden_weights_ : ndarray of shape (n_neurons_, n_features_in_)
        The :math:`w_i` (``network_.coefs[0].T``).
    hidden_bias_ : ndarray of shape (n_neurons_,)
        The :math:`b_i`.
    output_weights_ : ndarray of shape (n_neurons_,) or (n_neurons_, n_outputs_)
        The :math:`a_i` (one column per output for a 2-d ``y``).
    output_bias_ : float or ndarray of shape (n_outputs_,)
        The :math:`a_0`.
    activation_ : activation object
        The resolved activation :math:`\sigma`.
    n_neurons_ : int
        Hidden units of the fitted network (for ``method="greedy"`` fewer than
        ``n_neurons`` only if no candidate adds a new direction, e.g. more
        neurons than distinct samples).
    n_outputs_ : int
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
    sklearn.neural_network.MLPRegressor : The MLP of scikit-learn.
    sklearn.kernel_approximation.RBFSampler : Random Fourier features.

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

    Numerical range: every finite ``X``, ``y`` and ``sample_weight`` is
    standardised without overflow (columns divided by powers of two first, so
    the numbers are those of the plain formula wherever it does not overflow),
    and a target scaled by a power of two gives predictions scaled by it,
    exactly. A fit whose network would not predict finite values on its own
    training data raises instead (targets within a few orders of magnitude of
    the largest float, ``1.8e308``, say so); an activation plugin that raises,
    returns the wrong shape, or NaN or infinity for finite input is named in
    the error with the method. A fit is a transaction: if it raises, Ctrl-C
    included, the estimator is exactly the model it was before the call
    (fitted or not), and the exception propagates.

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
        # Slopes up to 10 * 1e6 / (spread >= 1e-12) and pre-activations up to
        # 1e7 (sqrt(n_samples) + 2) in standardised units: no overflow.
        "weight_scale": [Interval(Real, 0, 1e6, closed="right")],
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
    def _builds_greedily(self):
        return self.method == "greedy" or (
            self.method == "backprop" and self.init == "greedy"
        )

    def _backprop_iterations(self):
        return {"backprop": self.max_iter, "random": self.backprop_refine}.get(
            self.method, 0
        )

    def _context(self):
        """How this fit uses the activation, as errors name it."""
        if self.method == "backprop":
            return f"method='backprop', init={self.init!r}"
        return f"method={self.method!r}"

    def _resolve(self):
        """Look the activation up and check it; raises before any state changes."""
        activation = get_activation(self.activation)
        check_elementwise(activation)
        if self._builds_greedily():
            check_dictionary(activation)
        return activation

    def _initial_network(self, data, activation, rng):
        """The network before any backpropagation, in standardised units.

        Returns the network, the hidden layer ``H`` on the data (random ramps
        only, else None), the greedy curve (or None) and the ridge used.
        """
        if self._builds_greedily():
            W, b, curve, (A, a0) = greedy_fit(
                data.Xs,
                data.Ys,
                data.weights,
                activation,
                self.n_neurons,
                variant=self.greedy,
                n_candidates=self.n_candidates,
                refine_steps=self.refine_steps,
                weight_scale=self.weight_scale,
                random_state=rng,
                y_scale=data.y_scale,
                validation=data.validation,
            )
            curve = {"n_neurons": np.arange(1, W.shape[0] + 1), **curve}
            return (
                build_network(activation.activation, W, b, A, a0),
                None,
                curve,
                data.penalty,
            )
        cov = second_moment(data.Xs, data.weights)
        W, b = sample_ramps(cov, self.n_neurons, self.weight_scale, rng)
        H = activation.hidden_layer(data.Xs @ W.T + b)
        ridge = data.penalty
        if self.method == "random" and self.ridge_selection == "gcv":
            total = data.total * data.weight_unit
            A, a0, ridge = gcv_ridge(H, data.Ys, data.weights, ridge, total)
        else:
            A, a0 = weighted_ridge(H, data.Ys, data.weights, ridge)
        return build_network(activation.activation, W, b, A, a0), H, None, ridge

    def _backpropagate(self, network, H, data, activation, n_iter, rng):
        """Train ``network`` (standardised units) in place; keep the start if better.

        A centred sparse design is trained on as :math:`Z = X S^{-1}` (sparse),
        the centring moved into the biases: :math:`b' = b - W c`.
        """
        start = network.params.copy()
        if H is not None:
            # Nearly collinear random ramps give least-squares output weights
            # of 1e2-1e3 that L-BFGS then struggles to leave; a firmer ridge
            # gives a well-conditioned start (measured: 2-10x lower held-out
            # error after 200 iterations).
            ridge = max(data.penalty, _START_RIDGE)
            A, a0 = weighted_ridge(H, data.Ys, data.weights, ridge)
            network.coefs[1][...], network.intercepts[1][...] = A, a0
        # The derivative is first used here: a faulty one is named now.
        Z = data.Xs @ network.coefs[0] + network.intercepts[0]
        activation.hidden_layer(Z)
        activation.derivative_layer(Z)
        shift = getattr(data.Xs, "shift", None)
        X = data.Xs if shift is None else data.Xs.scaled
        if shift is not None:
            network.intercepts[0] -= shift @ network.coefs[0]
        # The trainer calls the plugin itself: a copy that names it on a fault.
        network.activations[0] = activation.reporting_copy()
        result = fit_backprop(
            network,
            X,
            data.Ys,
            data.sample_weight,
            solver=self.solver,
            alpha=self.alpha / data.weight_unit,
            max_iter=n_iter,
            tol=self.tol,
            learning_rate_init=self.learning_rate_init,
            batch_size=self.batch_size,
            random_state=rng,
            verbose=self.verbose,
        )
        network.activations[0] = activation.activation
        if shift is not None:
            network.intercepts[0] += shift @ network.coefs[0]
        # Keep the least-squares network if training did not beat it (random
        # ramps already resolve smooth 1-d targets to 1e-7).
        trained, trained_error = network.params.copy(), training_error(network, data)
        network.params[...] = start
        if not training_error(network, data) < trained_error:
            network.params[...] = trained
        return result

    def _training_run(self, network, H, data, activation, rng):
        """``(n_iter_, loss_curve_, H)``: backpropagation if the method asks for
        it (then the hidden layer ``H`` has changed, and is None)."""
        n_iter = self._backprop_iterations()
        if n_iter and network.layer_sizes[1] > 0:
            trained = self._backpropagate(network, H, data, activation, n_iter, rng)
            return (*trained, None)
        if self.method == "greedy":
            return network.layer_sizes[1], [], H
        return 1, [], H

    # ----------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.input_tags.sparse = True
        return tags

    # -------------------------------------------------------------- fitting
    @fit_transaction
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Fit the network by ``method``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the squared error; ``None`` means equal.
        X_val, y_val : array-like, default=None
            Validation data: ``method="greedy"`` records its error after each
            neuron in ``approximation_curve_["validation_mse"]``.

        Returns
        -------
        self : ShallowUniversalApproximator
            The fitted estimator.
        """
        self._validate_params()
        context = self._context()
        # Finiteness is checked where it matters (the activation's output, the
        # fitted network's predictions): numpy's warnings would only repeat it.
        with np.errstate(all="ignore"):
            activation = CheckedActivation(self._resolve(), context)
            data = prepare_training_data(self, X, y, sample_weight, X_val, y_val)
            rng = check_random_state(self.random_state)
            # The products here are thin (samples x features x candidates): one
            # BLAS thread is fastest, and several contend on a busy machine.
            with blas_threads(1):
                network, H, curve, ridge = self._initial_network(data, activation, rng)
            n_iter, loss_curve, H = self._training_run(
                network, H, data, activation, rng
            )
            to_original_units(network, data)
            check_predictions(network, data, context, H)
        self.network_ = network
        self.n_iter_ = n_iter
        self.loss_curve_ = loss_curve
        self.alpha_ = float(ridge * data.total * data.weight_unit)
        self._single_output = data.single_output
        if self.method == "greedy":
            self.approximation_curve_ = curve
        else:
            self.__dict__.pop("approximation_curve_", None)
        return self

    # ----------------------------------------------------------- prediction
    def predict(self, X):
        r"""Predict :math:`G(x)` for each row :math:`x` of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The values :math:`\sum_i a_i \sigma(w_i\cdot x + b_i) + a_0`, one column
            per output for a 2-d ``y``.
        """
        check_is_fitted(self, "network_")
        # Values near the float limits are valid input: no numpy warnings.
        with np.errstate(all="ignore"):
            X = validate_numeric(
                self, X, reset=False, accept_sparse="csr", dtype=np.float64
            )
            out = self.network_.forward(X)
        return out[:, 0] if self._single_output else out

    # -------------------------------------------- views into the network
    def _layers(self):
        """``(coefs, intercepts)`` of the fitted network."""
        check_is_fitted(self, "network_")
        network = self.network_
        return network.coefs, network.intercepts

    @property
    def hidden_weights_(self):
        """The :math:`w_i`, one row each: a read-only view of ``network_``."""
        return read_only(self._layers()[0][0].T)

    @property
    def hidden_bias_(self):
        """The :math:`b_i`: a read-only view of ``network_``."""
        return read_only(self._layers()[1][0])

    @property
    def output_weights_(self):
        """The :math:`a_i` (a column per output): a read-only view of ``network_``."""
        A = self._layers()[0][1]
        return read_only(A[:, 0] if self._single_output else A)

    @property
    def output_bias_(self):
        """The :math:`a_0`: a float for a 1-d ``y``, else a read-only view."""
        a0 = self._layers()[1][1]
        return float(a0[0]) if self._single_output else read_only(a0)

    @property
    def activation_(self):
        """The resolved activation :math:`\\sigma` of ``network_``."""
        check_is_fitted(self, "network_")
        return self.network_.activations[0]

    @property
    def n_neurons_(self):
        """Hidden units of ``network_``."""
        check_is_fitted(self, "network_")
        return self.network_.layer_sizes[1]

    @property
    def n_outputs_(self):
        """Outputs of ``network_``."""
        check_is_fitted(self, "network_")
        return self.network_.layer_sizes[2]
