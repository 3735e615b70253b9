r"""KolmogorovArnoldRegressor: learnable univariate functions on every edge."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from sklearn_mathdl.kolmogorov_arnold._grid import MARGIN, data_range, range_of
from sklearn_mathdl.kolmogorov_arnold._kan_network import KANNetwork
from sklearn_mathdl.kolmogorov_arnold._reading import EdgeReadingMixin
from sklearn_mathdl.kolmogorov_arnold._training import StagedTraining
from sklearn_mathdl.neural_network._minibatches import TrainingData
from sklearn_mathdl.neural_network._reporting import warn_user
from sklearn_mathdl.neural_network._stopping import Validation, start_record
from sklearn_mathdl.neural_network._targets import check_real_targets
from sklearn_mathdl.neural_network._tracing import TrainingFault
from sklearn_mathdl.neural_network._training import _check_total_weight
from sklearn_mathdl.plugins import (
    ACTIVATIONS,
    OPTIMIZERS,
    CarriedPluginsMixin,
    PluginConstraint,
)
from sklearn_mathdl.utils._transaction import fit_transaction


class KolmogorovArnoldRegressor(
    EdgeReadingMixin, RegressorMixin, CarriedPluginsMixin, BaseEstimator
):
    r"""Kolmogorov–Arnold network regressor (KAN): a learnable function on every edge.

    The Kolmogorov–Arnold representation theorem (Kolmogorov 1957, Arnold
    1957), the answer to Hilbert's 13th problem, writes every continuous
    :math:`f` on :math:`[0, 1]^n` with continuous univariate functions only:

    .. math::

        f(x) = \sum_{q=0}^{2n} \Phi_q\Big(\sum_{p=1}^{n} \phi_{q,p}(x_p)\Big).

    A Kolmogorov–Arnold network (Liu et al. 2024) learns both families: each
    layer maps :math:`x \in \mathbb{R}^{d_l}` to
    :math:`y_q = \beta_q + \sum_p \phi_{p,q}(x_p)`, every edge function being a
    base function plus a B-spline on a grid,

    .. math::

        \phi_{p,q}(x) = w^b_{p,q}\, b(u) + w^s_{p,q} \sum_{j=0}^{G+k-1}
            c_{p,j,q} B_j(u), \qquad u = \frac{x - m_p}{r_p} \in [-1, 1],

    and layers stack; the default ``widths=None`` is the theorem's shape
    :math:`[n, 2n+1, n_{\text{outputs}}]`, and ``widths=()`` an additive model
    (:math:`\Phi` the identity: scikit-learn's ``SplineTransformer`` plus a
    linear model, trained jointly with the base function).

    Parameters
    ----------
    widths : int, tuple of int or None, default=None
        Widths of the hidden layers (an int: one hidden layer); None is
        ``(2 * n_features + 1,)``, ``()`` no hidden layer.
    n_knots : int or tuple of int, default=6
        Knots of every edge's grid on its range, ends included (``G + 1`` for
        :math:`G` intervals). A strictly increasing tuple is a grid-extension
        schedule (Liu et al. 2024, §2.5): train on each grid in turn, every
        finer spline first fitted by least squares to the coarser one.
    spline_degree : int, default=3
        Degree :math:`k` of the B-splines.
    grid_range : "auto" or tuple (low, high), default="auto"
        Grid range of the input features: ``"auto"`` is each feature's
        training range widened by 5% per side; a tuple gives every feature
        the same range. Training data outside it trigger a warning and the
        feature's range is extended to cover them. The hidden layers' ranges
        follow their inputs (grid updates). Beyond its range an edge function
        keeps its value at the nearest end (the input is clipped), so
        predictions are bounded.
    grid_updates : int, default=3
        Grid updates at the start of each stage, each after 10 iterations
        (epochs): every hidden layer's grid is set to the range of its inputs,
        its edge functions refitted by least squares.
    base_function : str or activation object, default="silu"
        The base function :math:`b` of every edge: a registered activation
        name (:func:`sklearn_mathdl.plugins.available_activations`) or an
        object with ``forward``/``backward``.
    alpha : float, default=1e-4
        L2 penalty on the spline coefficients, base weights and spline scales
        (not the biases), divided by the total sample weight as in
        ``MLPRegressor``.
    l1_penalty : float, default=0.0
        :math:`\lambda_1`, the weight of the paper's L1 penalty
        :math:`\sum_l |\Phi_l|_1` (mean edge magnitudes).
    entropy_penalty : float, default=0.0
        :math:`\lambda_2`, the weight of the paper's entropy penalty
        :math:`\sum_l S(\Phi_l)`.
    solver : str or optimizer object, default="lbfgs"
        ``"lbfgs"``, ``"adam"``, ``"sgd"`` or any registered optimizer.
    learning_rate_init : float, default=0.01
        Learning rate of the stochastic solvers.
    batch_size : int or "auto", default="auto"
        Minibatch size of the stochastic solvers (``"auto"``:
        ``min(200, n_samples)``).
    max_iter : int, default=200
        Iterations (L-BFGS) or epochs of each stage.
    tol : float, default=1e-6
        L-BFGS: the gradient tolerance (as in ``MLPRegressor``); stochastic
        solvers: the minimum improvement of the loss (or validation score)
        that resets the patience counter. Smaller than the MLPs' default:
        fitting smooth targets to high precision is what this model is for.
    early_stopping : bool, default=False
        With a stochastic solver, hold out ``validation_fraction`` of the
        data, stop each stage's main round when its R² stops improving, and
        keep the best weights of the last stage (``validation_scores_``
        collects the epochs of every stage).
    validation_fraction : float, default=0.1
        Fraction held out for early stopping.
    n_iter_no_change : int, default=10
        Epochs without improvement tolerated by the stochastic solvers.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffles and the validation split.
    verbose : bool, default=False
        Print one line per iteration (epoch).
    callbacks : callable, list of callables or None, default=None
        Each called as ``cb(estimator, info)`` after every iteration (epoch)
        of the main rounds; training stops when one returns ``True``.

    Attributes
    ----------
    network_ : KANNetwork
        The trained network (parameters in ``network_.params``).
    layer_sizes_ : list of int
        ``[n_features, *widths, n_outputs]``.
    edge_norms_ : list of ndarray of shape (d_l, d_{l+1})
        :math:`|\phi_{p,q}|_1` of every edge on the training data (the
        sparsity penalty's norms); :meth:`prune` reads them.
    n_iter_ : int
        Iterations (epochs) run, over all stages and grid updates.
    loss_curve_ : list of float
        The penalised loss after each iteration (epoch).
    best_loss_ : float or None
        The best loss of the last round (None with early stopping).
    validation_scores_ : list of float or None
        Held-out R² per epoch (early stopping only).
    best_validation_score_ : float or None
        The best held-out R² of the last stage (early stopping only).
    t_ : int
        Training samples seen.
    n_updates_ : int
        Minibatch updates made (stochastic solvers).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit (when X has string column names).

    See Also
    --------
    sklearn_mathdl.MLPRegressor : Multi-layer perceptron, trained by the same
        trainer.
    sklearn.preprocessing.SplineTransformer : The spline features of an
        additive model (``widths=()``).

    Notes
    -----
    Training minimises

    .. math::

        \frac{\sum_i w_i \tfrac12 \|y_i - o_i\|^2}{\sum_i w_i}
        + \frac{\alpha}{2 \sum_i w_i}\|\theta\|^2
        + \lambda_1 \sum_l |\Phi_l|_1 + \lambda_2 \sum_l S(\Phi_l)

    with the package's trainer (the MLPs'). One evaluation costs
    :math:`O(n \sum_l d_l d_{l+1} (G + k))`: time per iteration grows
    linearly with the grid size, and the parameters number
    :math:`\sum_l d_l d_{l+1} (G + k + 2) + d_{l+1}`.

    References
    ----------
    .. [1] Z. Liu, Y. Wang, S. Vaidya, F. Ruehle, J. Halverson, M. Soljačić,
       T. Y. Hou, M. Tegmark, "KAN: Kolmogorov–Arnold Networks",
       arXiv:2404.19756, 2024.
    .. [2] A. N. Kolmogorov, "On the representation of continuous functions
       of several variables by superpositions of continuous functions of one
       variable and addition", Dokl. Akad. Nauk SSSR 114, 1957.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl import KolmogorovArnoldRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, (200, 2))
    >>> y = np.sin(np.pi * X[:, 0]) + X[:, 1] ** 2
    >>> model = KolmogorovArnoldRegressor(widths=(), random_state=0).fit(X, y)
    >>> bool(model.score(X, y) > 0.99)
    True
    """

    _parameter_constraints: dict = {
        "widths": [None, Interval(Integral, 1, None, closed="left"), tuple, list],
        "n_knots": [Interval(Integral, 2, None, closed="left"), tuple, list],
        "spline_degree": [Interval(Integral, 1, None, closed="left")],
        "grid_range": [StrOptions({"auto"}), tuple, list],
        "grid_updates": [Interval(Integral, 0, None, closed="left")],
        "base_function": [PluginConstraint(ACTIVATIONS)],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_penalty": [Interval(Real, 0, None, closed="left")],
        "entropy_penalty": [Interval(Real, 0, None, closed="left")],
        "solver": [PluginConstraint(OPTIMIZERS)],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [None, list, tuple, callable],
    }
    _plugin_parameters = {"base_function": ACTIVATIONS, "solver": OPTIMIZERS}
    # Trained in place by the trainer: deep-copied by the fit transaction.
    _mutated_in_place = ("network_", "loss_curve_", "validation_scores_")

    def __init__(
        self,
        widths=None,
        *,
        n_knots=6,
        spline_degree=3,
        grid_range="auto",
        grid_updates=3,
        base_function="silu",
        alpha=1e-4,
        l1_penalty=0.0,
        entropy_penalty=0.0,
        solver="lbfgs",
        learning_rate_init=0.01,
        batch_size="auto",
        max_iter=200,
        tol=1e-6,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        random_state=None,
        verbose=False,
        callbacks=None,
    ):
        self.widths = widths
        self.n_knots = n_knots
        self.spline_degree = spline_degree
        self.grid_range = grid_range
        self.grid_updates = grid_updates
        self.base_function = base_function
        self.alpha = alpha
        self.l1_penalty = l1_penalty
        self.entropy_penalty = entropy_penalty
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    # ------------------------------------------------------- parameters
    def _hidden_widths(self, n_features):
        if self.widths is None:
            return [2 * n_features + 1]
        widths = [self.widths] if np.ndim(self.widths) == 0 else list(self.widths)
        if not all(
            isinstance(w, Integral) and not isinstance(w, bool) for w in widths
        ) or any(w < 1 for w in widths):
            raise ValueError(
                f"widths must be a tuple of positive integers (the hidden layers' "
                f"widths), got {self.widths!r}. Use e.g. widths=(5,), or "
                "widths=() for an additive model without hidden layer."
            )
        return [int(w) for w in widths]

    def _grid_schedule(self):
        """The number of grid intervals of each stage."""
        knots = (
            [self.n_knots] if isinstance(self.n_knots, Integral) else list(self.n_knots)
        )
        valid = (
            knots
            and all(isinstance(k, Integral) and not isinstance(k, bool) for k in knots)
            and knots[0] >= 2
            and all(a < b for a, b in zip(knots[:-1], knots[1:]))
        )
        if not valid:
            raise ValueError(
                f"n_knots must be an integer >= 2 or a strictly increasing tuple "
                f"of them (a grid-extension schedule), got {self.n_knots!r}. Use "
                "e.g. n_knots=6 or n_knots=(4, 6, 11, 21)."
            )
        return [int(k) - 1 for k in knots]

    def _input_range(self, X, sample_weight):
        """Centres and half-widths of the input features' grids."""
        if isinstance(self.grid_range, str):
            return data_range(X, sample_weight, MARGIN)
        bounds = np.asarray(self.grid_range, dtype=object)
        if not (
            bounds.shape == (2,)
            and all(isinstance(b, Real) and np.isfinite(b) for b in bounds)
            and bounds[0] < bounds[1]
        ):
            raise ValueError(
                f'grid_range must be "auto" or a pair (low, high) of finite '
                f"numbers with low < high, got {self.grid_range!r}."
            )
        low, high = float(bounds[0]), float(bounds[1])
        used = X if sample_weight is None else X[sample_weight > 0]
        lo, hi = np.minimum(used.min(axis=0), low), np.maximum(used.max(axis=0), high)
        outside = np.flatnonzero((lo < low) | (hi > high))
        if outside.size:
            warn_user(
                f"The training data leave grid_range=({low:g}, {high:g}) in "
                f"feature(s) {outside.tolist()}: their grids are extended to the "
                "data's range. Scale the features into grid_range, or use "
                'grid_range="auto", to silence this warning.',
                UserWarning,
            )
        return range_of(lo, hi)

    # ------------------------------------------------------------ data
    def _validate_training_data(self, X, y, sample_weight):
        check_real_targets(y, type(self).__name__)
        X, y = validate_data(
            self, X, y, dtype=np.float64, multi_output=True, y_numeric=True
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
            sample_weight = _check_total_weight(sample_weight)
        return X, y, sample_weight

    def _split(self, X, Y, sample_weight, random_state):
        """Training data and, with early stopping, the held-out Validation."""
        stochastic = not getattr(OPTIMIZERS.get(self.solver), "full_batch", False)
        if not (self.early_stopping and stochastic):
            return TrainingData(X, Y, sample_weight), None
        arrays = [X, Y] + ([] if sample_weight is None else [sample_weight])
        parts = train_test_split(
            *arrays, test_size=self.validation_fraction, random_state=random_state
        )
        train, held = parts[0::2], parts[1::2]
        if held[0].shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        sw_train, sw_held = (
            (train[2], held[2]) if sample_weight is not None else (None,) * 2
        )

        def score(output):
            if not np.isfinite(output).all():
                return np.nan
            return r2_score(held[1], output, sample_weight=sw_held)

        validation = Validation(held[0], held[1], sw_held, score)
        return TrainingData(
            train[0], train[1], _check_total_weight(sw_train)
        ), validation

    def _new_network(self, data, random_state):
        """The initial network: input grids on the data, output biases at the
        weighted mean target (the hidden grids follow in training)."""
        X, Y, sample_weight = data
        sizes = [X.shape[1], *self._hidden_widths(X.shape[1]), Y.shape[1]]
        network = KANNetwork(
            sizes,
            ACTIVATIONS.get(self.base_function),
            self._grid_schedule()[0],
            self.spline_degree,
        )
        network.initialize(random_state)
        network.centers[0], network.half_widths[0] = self._input_range(X, sample_weight)
        weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
        # Normalised weights first: the mean of targets near the float64
        # limit does not overflow.
        network.biases[-1][...] = (weights / weights.sum()) @ Y
        return network

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    # ------------------------------------------------------------- fit
    @fit_transaction
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X``, ``y``: every grid stage, by the package's trainer.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Real-valued targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss, the grid ranges and the
            least-squares grid fits.

        Returns
        -------
        self : KolmogorovArnoldRegressor
            The fitted estimator.
        """
        X, y, sample_weight = self._validate_training_data(X, y, sample_weight)
        schedule = self._grid_schedule()
        random_state = check_random_state(self.random_state)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        data, validation = self._split(X, Y, sample_weight, random_state)
        network = self._new_network(data, random_state)
        stochastic = not getattr(OPTIMIZERS.get(self.solver), "full_batch", False)
        start_record(self, self.early_stopping and stochastic)
        self.network_ = network
        try:
            n_iter = StagedTraining(self, network, data, validation, random_state).run(
                schedule
            )
        except TrainingFault as fault:
            fault.args = (
                f"{fault.args[0]} The estimator is left as it was before this fit "
                "(unfitted if it was never fitted).",
            )
            raise
        self.n_iter_ = n_iter
        self.layer_sizes_ = list(network.layer_sizes)
        self.edge_norms_ = self._edge_norms(data.X, data.sample_weight)
        return self

    def predict(self, X):
        """Predict targets with the trained network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions: finite for finite input (edge functions are clipped
            to their grid ranges).
        """
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        output = self.network_.forward(X)
        return output[:, 0] if output.shape[1] == 1 else output
