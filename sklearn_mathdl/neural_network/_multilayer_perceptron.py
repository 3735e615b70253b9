"""Multi-layer perceptron classifier with pluggable activations and losses."""

import warnings

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import validate_data

from sklearn_mathdl.neural_network._training import (
    BaseDenseEstimator,
    value_and_gradient,
)
from sklearn_mathdl.neural_network.losses import softmax


class MLPClassifier(ClassifierMixin, BaseDenseEstimator):
    r"""Multi-layer perceptron classifier: any activation, any loss, by backpropagation.

    The network computes :math:`o = \phi_L(A_{L-1} W_L + b_L)` from
    :math:`A_0 = X` through hidden layers :math:`A_l = \phi_l(A_{l-1} W_l + b_l)`
    and minimises

    .. math::

        \frac{\sum_i w_i\, \ell(y_i, o_i)}{\sum_i w_i}
        + \frac{\alpha}{2 \sum_i w_i} \sum_l \|W_l\|_F^2

    over minibatches, where :math:`\ell` is any loss of the Janocha &
    Czarnecki (2017) table (:mod:`sklearn_mathdl.neural_network.losses`; categorical
    cross-entropy by default) and :math:`w_i` the sample weights (times the
    class weights). Gradients are obtained by backpropagation through the
    vector–Jacobian products of the activations, so every activation/loss
    pairing works, including plugins registered by the user.

    Targets: a multiclass target of :math:`K` classes is one-hot encoded on
    :math:`K` outputs. A binary target is a two-class problem on two outputs, and
    a multilabel target of :math:`k` labels is :math:`k` independent two-class
    problems (outputs ``2j, 2j+1`` for label ``j``): every loss of the table
    applies to each group unchanged.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        Number of units of each hidden layer.
    activation : str, activation object or list of them, default="relu"
        Hidden-layer activation: a registered name
        (:func:`sklearn_mathdl.plugins.available_activations`), an object with
        ``forward``/``backward``, or a list giving one per hidden layer.
    output_activation : str or activation object, default="identity"
        Activation of the output layer. The loss receives its output :math:`o`;
        losses of the softmax :math:`\sigma(o)` apply the softmax themselves.
    loss : str or loss object, default="log"
        A registered loss (:func:`sklearn_mathdl.plugins.available_losses`) or an
        object with ``value``/``gradient``.
    solver : str or optimizer object, default="adam"
        ``"adam"``, ``"sgd"`` (momentum 0.9, Nesterov), ``"lbfgs"``, any
        registered optimizer, or a configured object such as
        ``SGD(momentum=0.5, nesterov=False)``.
    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights (not the biases).
    batch_size : int or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``. Ignored by
        full-batch solvers.
    learning_rate_init : float, default=1e-3
        Initial learning rate :math:`\eta_0` given to the schedule.
    schedule : str or schedule object, default="constant"
        Learning-rate schedule: ``"constant"``, ``"inverse_scaling"``,
        ``"step_decay"``, ``"adaptive"`` or any registered schedule.
    initializer : str or initializer object, default="glorot_uniform"
        Weight initialisation scheme.
    max_iter : int, default=200
        Maximum number of epochs (L-BFGS: iterations).
    tol : float, default=1e-4
        Minimum improvement of the training loss (or validation score, with
        ``early_stopping``) that resets the patience counter.
    n_iter_no_change : int, default=10
        The schedule's plateau rule (stop, or reduce the rate for
        ``"adaptive"``) applies once more than this many consecutive epochs
        have not improved by ``tol`` (as in scikit-learn).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified),
        stop when its accuracy stops improving, and restore the best weights.
    validation_fraction : float, default=0.1
    shuffle : bool, default=True
        Shuffle the samples at each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling and the validation split.
    warm_start : bool, default=False
        Continue from the previous fit, keeping the optimizer state (moments,
        schedule step).
    verbose : bool, default=False
        Print one line per epoch: loss, validation figures, learning rate, time.
    class_weight : dict, "balanced" or None, default=None
        Weights multiplying the sample weights of each class.
    dtype : {"float32", "float64"}, default="float32"
        Precision of the weights and of the computation.
    callbacks : callable or list of callables, default=None
        Each is called at the end of every epoch as ``cb(estimator, info)``
        where ``info`` holds ``epoch``, ``loss``, ``learning_rate``, ``time``
        and, with early stopping, ``validation_loss`` and ``validation_score``.
        Returning True stops training.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (for multilabel targets, ``arange(n_labels)``).
    coefs_ : list of ndarray
        ``coefs_[l]`` is the weight matrix of layer ``l + 1``.
    intercepts_ : list of ndarray
        ``intercepts_[l]`` is the bias vector of layer ``l + 1``.
    n_iter_ : int
        Epochs run (L-BFGS: iterations).
    t_ : int
        Training samples seen by the solver.
    n_updates_ : int
        Parameter updates made; the step count the schedule receives.
    loss_ : float
        The last value of ``loss_curve_``.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of output units (2 per label for multilabel targets).
    loss_curve_ : list of float
        Per epoch, the weighted mean over its minibatches of the training loss
        (penalty included), each evaluated just before that minibatch's update.
    best_loss_ : float
        Smallest value of ``loss_curve_``.
    validation_loss_curve_ : list of float
        Loss on the validation split per epoch (only with early stopping).
    validation_scores_ : list of float
        Validation accuracy per epoch (only with early stopping).
    best_validation_score_ : float
        Best validation accuracy (only with early stopping).
    optimizer_, schedule_, loss_function_ : plugin objects
        The plugins used, with their state.
    network_ : DenseNetwork
        The fitted network (packed parameters).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has feature names.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP (fixed pairings).

    Notes
    -----
    With :math:`\delta_l = \partial L / \partial Z_l`, backpropagation reads

    .. math::

        \delta_L = J_{\phi_L}^\top \nabla_o L,\quad
        \nabla_{W_l} L = A_{l-1}^\top \delta_l,\quad
        \delta_{l-1} = J_{\phi_{l-1}}^\top(\delta_l W_l^\top).

    References
    ----------
    Rumelhart, Hinton & Williams, "Learning representations by back-propagating
    errors", Nature 323, 1986.
    Janocha & Czarnecki, "On Loss Functions for Deep Neural Networks in
    Classification", 2017, arXiv:1702.05659.
    Goodfellow, Bengio & Courville, "Deep Learning", MIT Press 2016, ch. 6 and 8.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_mathdl import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(
    ...     StandardScaler(),
    ...     MLPClassifier((16,), activation="tanh", loss="squared_hinge",
    ...                   solver="lbfgs", random_state=0),
    ... ).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> clf.score(X, y)
    1.0
    """

    _parameter_constraints: dict = {
        **BaseDenseEstimator._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        activation="relu",
        output_activation="identity",
        loss="log",
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate_init=1e-3,
        schedule="constant",
        initializer="glorot_uniform",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=False,
        class_weight=None,
        dtype="float32",
        callbacks=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.schedule = schedule
        self.initializer = initializer
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.class_weight = class_weight
        self.dtype = dtype
        self.callbacks = callbacks

    # --------------------------------------------------------------- targets
    def _validate_training_data(self, X, y, reset):
        return validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            multi_output=True,
        )

    def _validate_prediction_data(self, X):
        return validate_data(
            self,
            X,
            reset=False,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
        )

    def _encode_targets(self, y, classes, reset):
        """One-hot encode ``y`` into groups of two-class or K-class columns."""
        if np.ndim(y) == 2 and np.shape(y)[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. "
                "Please change the shape of y to (n_samples,), for example "
                "using ravel().",
                DataConversionWarning,
                stacklevel=5,
            )
            y = np.ravel(y)
        check_classification_targets(y)
        multilabel = type_of_target(y) == "multilabel-indicator"
        if multilabel:
            labels = np.arange(y.shape[1])
        else:
            y = np.ravel(y)
            # Sorted, as searchsorted below and scikit-learn's classes_ require.
            labels = np.unique(y if classes is None else classes)
            if not reset:
                labels = self.classes_
            unseen = np.setdiff1d(np.unique(y), labels)
            if unseen.size:
                raise ValueError(
                    f"y contains labels {unseen.tolist()} that are not in "
                    f"classes {labels.tolist()}. Pass every class in `classes` "
                    "(partial_fit) or refit with warm_start=False."
                )
            if reset and labels.size < 2:
                raise ValueError(
                    f"The target y contains only one class ({labels.tolist()}); "
                    "a classifier needs at least two. Check the labels or "
                    "collect samples of another class."
                )
        if not reset and multilabel != self._multilabel:
            raise ValueError(
                "The target changed between multilabel and single-label since "
                "the last fit; refit with warm_start=False."
            )
        if reset:
            self.classes_ = labels
            self._multilabel = multilabel
        n_classes = self.classes_.size
        if multilabel:
            Y = np.empty((y.shape[0], 2 * n_classes), dtype=self._resolve_dtype())
            Y[:, 0::2] = 1 - y
            Y[:, 1::2] = y
            return Y
        index = np.searchsorted(self.classes_, y)
        Y = np.zeros((y.shape[0], n_classes), dtype=self._resolve_dtype())
        Y[np.arange(y.shape[0]), index] = 1
        return Y

    def _n_outputs(self):
        return 2 * self.classes_.size if self._multilabel else self.classes_.size

    def _group_size(self):
        return 2 if self._multilabel else self.classes_.size

    def _loss_and_gradient(self, Y, output, sample_weight):
        """Mean loss over samples, summed over the two-class groups of multilabel targets."""
        size = self._group_size()
        groups = output.shape[1] // size
        if groups == 1:
            return value_and_gradient(self.loss_function_, Y, output, sample_weight)
        sw = None if sample_weight is None else np.repeat(sample_weight, groups)
        value, grad = value_and_gradient(
            self.loss_function_, Y.reshape(-1, size), output.reshape(-1, size), sw
        )
        return value * groups, grad.reshape(output.shape) * groups

    def _sample_weight(self, y, sample_weight, X):
        sample_weight = super()._sample_weight(y, sample_weight, X)
        if self.class_weight is None:
            return sample_weight
        if self._multilabel:
            raise ValueError(
                "class_weight is not supported for multilabel targets; pass "
                "sample_weight instead."
            )
        weights = compute_sample_weight(self.class_weight, y).astype(X.dtype)
        return weights if sample_weight is None else weights * sample_weight

    def _split_validation(self, X, y, Y, sample_weight):
        stratify = None if self._multilabel else y
        arrays = [X, y, Y] + ([] if sample_weight is None else [sample_weight])
        parts = train_test_split(
            *arrays,
            test_size=self.validation_fraction,
            random_state=self._random_state,
            stratify=stratify,
        )
        X_tr, X_val, y_tr, y_val, Y_tr, Y_val = parts[:6]
        sw_tr, sw_val = (
            (parts[6], parts[7]) if sample_weight is not None else (None, None)
        )
        if X_val.shape[0] < 2:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves "
                f"{X_val.shape[0]} validation sample(s); raise it or set "
                "early_stopping=False."
            )
        return X_tr, Y_tr, sw_tr, X_val, y_val, Y_val, sw_val

    def _validation_score(self, X, y, sample_weight):
        return self.score(X, y, sample_weight=sample_weight)

    # ----------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags

    # -------------------------------------------------------------- fitting
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X``, ``y`` (epochs of minibatches, or L-BFGS).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label-indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MLPClassifier
        """
        return self._fit(X, y, sample_weight=sample_weight)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Run one epoch over ``X``, ``y``, keeping the optimizer state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like of shape (n_classes,), default=None
            All the classes; required on the first call for single-label targets.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MLPClassifier
        """
        first_call = not hasattr(self, "network_")
        if (
            first_call
            and classes is None
            and type_of_target(y) != "multilabel-indicator"
        ):
            raise ValueError(
                "classes must be passed on the first call to partial_fit: "
                "the network's output size depends on every class."
            )
        return self._fit(
            X, y, sample_weight=sample_weight, incremental=True, classes=classes
        )

    # ----------------------------------------------------------- prediction
    def decision_function(self, X):
        """Network output :math:`o`.

        Returns
        -------
        ndarray of shape (n_samples,) for binary targets (the difference of the
        two outputs, positive for ``classes_[1]``), (n_samples, n_labels) for
        multilabel targets (same per label), else (n_samples, n_classes).
        """
        output = self._forward(X)
        if self._multilabel:
            return output[:, 1::2] - output[:, 0::2]
        if self.classes_.size == 2:
            return output[:, 1] - output[:, 0]
        return output

    def predict_proba(self, X):
        """Class probabilities: the loss's reading of the output (softmax by default).

        Returns
        -------
        ndarray of shape (n_samples, n_classes), or (n_samples, n_labels) of
        per-label probabilities for multilabel targets.
        """
        # Probabilities in float64: float32 saturates to exactly 0 or 1 at |o| > 17.
        output = self._forward(X).astype(np.float64)
        read = getattr(self.loss_function_, "predict_proba", softmax)
        if self._multilabel:
            return read(output.reshape(-1, 2))[:, 1].reshape(output.shape[0], -1)
        return read(output)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (``-inf`` where it is 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predicted class labels (label-indicator matrix for multilabel targets)."""
        output = self._forward(X)
        if self._multilabel:
            return (output[:, 1::2] > output[:, 0::2]).astype(int)
        return self.classes_[output.argmax(axis=1)]
