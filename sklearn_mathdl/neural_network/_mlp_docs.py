"""The parameter and attribute documentation shared by MLPClassifier and MLPRegressor.

Written once and substituted into both class docstrings by :func:`document`
(the placeholders ``{parameters}``, ``{extra_parameters}`` and
``{attributes}``), so that the two never drift apart.
"""

_PARAMETERS_DOC = r"""
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        Number of units of each hidden layer.
    activation : str, activation object or list of them, default="relu"
        Hidden-layer activation: a registered name
        (:func:`sklearn_mathdl.plugins.available_activations`, scikit-learn's
        ``"identity"``, ``"logistic"``, ``"tanh"``, ``"relu"`` among them), an
        object with ``forward``/``backward``, or a list giving one per hidden
        layer.
    solver : str or optimizer object, default="adam"
        ``"adam"``, ``"sgd"``, ``"lbfgs"``, any registered optimizer, or a
        configured object such as ``SGD(momentum=0.5)``. A named optimizer
        receives the hyperparameters below that its constructor accepts
        (``momentum``, ``nesterovs_momentum``, ``beta_1``, ``beta_2``,
        ``epsilon``, ``max_fun``); an object keeps its own.
    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights (not the biases).
    batch_size : int or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``. Ignored by
        full-batch solvers.
    learning_rate : str or schedule object, default="constant"
        Learning-rate schedule. scikit-learn's ``"constant"``, ``"invscaling"``
        (:math:`\eta_0 / (t + 1)^{p}`, ``t`` the samples seen) and
        ``"adaptive"`` (divide by 5 at each plateau) apply to ``solver="sgd"``
        as in scikit-learn (other solvers then use a constant rate); any other
        registered schedule (``"step_decay"``, a plugin) or a schedule object
        applies to every stochastic solver.
    learning_rate_init : float, default=1e-3
        Initial learning rate :math:`\eta_0`.
    power_t : float, default=0.5
        Exponent :math:`p` of ``"invscaling"`` (Robbins–Monro needs
        :math:`\tfrac12 < p \le 1`).
    max_iter : int, default=200
        Maximum number of epochs (L-BFGS: iterations).
    shuffle : bool, default=True
        Shuffle the samples at each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling and the validation split.
    tol : float, default=1e-4
        Minimum improvement of the training loss (or validation score, with
        ``early_stopping``) that resets the patience counter.
    verbose : bool, default=False
        Print one line per epoch (loss, validation figures, learning rate,
        time) and why training stopped.
    warm_start : bool, default=False
        Continue from the previous fit, keeping the optimizer state (moments,
        schedule). ``n_iter_`` counts the epochs of the last call.
    momentum : float, default=0.9
        Momentum of ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        Nesterov's momentum for ``solver="sgd"``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data, stop when its
        score stops improving, and restore the best weights.
    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates.
    epsilon : float, default=1e-8
        Adam's numerical-stability constant.
    n_iter_no_change : int or np.inf, default=10
        The schedule's plateau rule (stop, or reduce the rate for
        ``"adaptive"``) applies once more than this many consecutive epochs
        have not improved by ``tol``; ``np.inf`` never stops early.
    max_fun : int, default=15000
        Maximum number of loss evaluations of ``solver="lbfgs"``."""

_EXTRA_PARAMETERS_DOC = r"""
    output_activation : str or activation object, default="identity"
        Activation of the output layer. The loss receives its output :math:`o`.
    initializer : str or initializer object, default="glorot_uniform"
        Weight initialisation scheme (scikit-learn's, drawing the same numbers).
    dtype : {None, "float32", "float64"}, default=None
        Precision of the weights and of the computation; None follows the
        input, as scikit-learn does (float32 input trains in float32, about
        twice as fast; anything else in float64).
    callbacks : callable or list of callables, default=None
        Each is called at the end of every epoch (L-BFGS: iteration) as
        ``cb(estimator, info)`` where ``info`` holds ``epoch``, ``loss``,
        ``learning_rate``, ``time`` and, with early stopping,
        ``validation_loss`` and ``validation_score``. Training stops when a
        callback returns ``True`` (any other value, None included, goes on),
        keeping what it has learnt: the way to stop early, as Ctrl-C
        (``KeyboardInterrupt``) undoes the interrupted call (the estimator is
        then exactly what it was before it, and the interrupt propagates).
        ``partial_fit`` one epoch at a time is the other."""

_ATTRIBUTES_DOC = r"""
    coefs_ : list of ndarray
        ``coefs_[l]`` is the weight matrix of layer ``l + 1``. Assignable (a
        list, or one entry): the values are copied into the network.
    intercepts_ : list of ndarray
        ``intercepts_[l]`` is the bias vector of layer ``l + 1``. Assignable.
    n_iter_ : int
        Epochs (L-BFGS: iterations) run by the last call to ``fit`` or
        ``partial_fit``.
    t_ : int
        Training samples seen by the solver, over all calls.
    n_updates_ : int
        Parameter updates made, over all calls.
    loss_ : float
        The last value of ``loss_curve_``.
    loss_curve_ : list of float
        Per epoch, the mean over its minibatches of the training loss (penalty
        included), each evaluated just before that minibatch's update.
    best_loss_ : float or None
        Smallest value of ``loss_curve_``; None with early stopping.
    validation_scores_ : list of float or None
        Validation score per epoch with early stopping, else None.
    validation_loss_curve_ : list of float or None
        Validation loss per epoch with early stopping, else None.
    best_validation_score_ : float or None
        Best validation score with early stopping, else None.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of output units.
    out_activation_ : str
        Name of the output function applied to predict (``"logistic"``,
        ``"softmax"``, ``"identity"``, ``"exp"``, ...).
    optimizer_, schedule_, loss_function_ : plugin objects
        The plugins used, with their state.
    network_ : DenseNetwork
        The fitted network (packed parameters).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has feature names."""


def document(cls):
    cls.__doc__ = (
        cls.__doc__.replace("    {parameters}", _PARAMETERS_DOC.strip("\n"))
        .replace("    {extra_parameters}", _EXTRA_PARAMETERS_DOC.strip("\n"))
        .replace("    {attributes}", _ATTRIBUTES_DOC.strip("\n"))
    )
    return cls
