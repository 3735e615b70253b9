"""Multi-layer perceptrons, classifier and regressor, with pluggable everything.

Both are thin target-side layers over the shared training machinery
(:class:`~sklearn_mathdl.neural_network._training.BaseDenseEstimator`, which
hands the network to :class:`~sklearn_mathdl.neural_network._trainer.Trainer`)
and the shared core (:class:`~sklearn_mathdl.neural_network._network.DenseNetwork`);
their parameters are scikit-learn's, with the same meanings, so code written
for ``sklearn.neural_network`` runs unchanged.
"""

import numpy as np
from scipy.special import expit
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d, validate_data

from sklearn_mathdl.neural_network._mlp_docs import document
from sklearn_mathdl.neural_network._softmax import softmax
from sklearn_mathdl.neural_network._targets import ClassTargets, check_real_targets
from sklearn_mathdl.neural_network._training import BaseDenseEstimator
from sklearn_mathdl.plugins import LOSSES, PluginConstraint
from sklearn_mathdl.utils._transaction import fit_transaction


def _store_arguments(estimator, arguments):
    """Store the ``__init__`` arguments (its ``locals()``) unchanged, under their names."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)


class _MultilayerPerceptron(BaseDenseEstimator):
    """What the two MLPs share beyond the training machinery."""

    def _validate_training_data(self, X, y, reset):
        if not isinstance(self, ClassifierMixin):
            check_real_targets(y, type(self).__name__)
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            multi_output=True,
            y_numeric=not isinstance(self, ClassifierMixin),
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _validate_prediction_data(self, X):
        return validate_data(
            self,
            X,
            reset=False,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
        )

    def _score_output(self, y, output, sample_weight):
        """The score of the network output on held-out samples (early stopping)."""
        prediction = self._predict_from_output(output)
        if (
            np.issubdtype(prediction.dtype, np.floating)
            and not np.isfinite(prediction).all()
        ):
            return np.nan
        return self._score_function(y, prediction, sample_weight=sample_weight)

    def _split(self, arrays, stratify):
        parts = train_test_split(
            *arrays,
            test_size=self.validation_fraction,
            random_state=self._random_state,
            stratify=stratify,
        )
        train, val = parts[0::2], parts[1::2]
        if val[0].shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        return train, val

    def _split_validation(self, X, y, Y, sample_weight):
        stratify = self._stratify(Y)
        arrays = [X, y, Y] + ([] if sample_weight is None else [sample_weight])
        train, val = self._split(arrays, stratify)
        sw_tr, sw_val = (train[3], val[3]) if sample_weight is not None else (None,) * 2
        return train[0], train[2], sw_tr, val[0], val[1], val[2], sw_val

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


@document
class MLPClassifier(ClassifierMixin, ClassTargets, _MultilayerPerceptron):
    r"""Multi-layer perceptron classifier: any activation, any loss, by backpropagation.

    The network computes :math:`o = \phi_L(A_{L-1} W_L + b_L)` from :math:`A_0 = X`
    through hidden layers :math:`A_l = \phi_l(A_{l-1} W_l + b_l)` and minimises

    .. math::

        \frac{\sum_i w_i\, \ell(y_i, o_i)}{\sum_i w_i}
        + \frac{\alpha}{2 \sum_i w_i} \sum_l \|W_l\|_F^2

    over minibatches, where :math:`\ell` is any loss of the Janocha & Czarnecki (2017)
    table (:mod:`sklearn_mathdl.neural_network.losses`; categorical cross-entropy by
    default) and :math:`w_i` the sample weights (times the class weights). Gradients are
    obtained by backpropagation through the vector–Jacobian products of the activations,
    so every activation/loss pairing works, including plugins registered by the user.
    Every parameter of scikit-learn's ``MLPClassifier`` is accepted with the same
    meaning.

    Targets: a multiclass target of :math:`K` classes is one-hot encoded on :math:`K`
    outputs. With the default log loss, a binary target has one logistic output and a
    multilabel target of :math:`k` labels :math:`k` of them, with the binary
    cross-entropy: scikit-learn's network, and with the same ``random_state``
    scikit-learn's numbers. With any other loss, each binary label is a two-class
    problem on two outputs (outputs ``2j, 2j+1`` for label ``j``), so that every loss of
    the table applies to each group unchanged. A target with a single class is accepted,
    as scikit-learn does: the model then predicts that class.

    Parameters
    ----------
    {parameters}
    loss : str or loss object, default="log"
        A registered classification loss
        (:func:`sklearn_mathdl.plugins.available_losses`) or an object with
        ``value``/``gradient``. Losses of the softmax :math:`\sigma(o)` apply the
        softmax themselves. A loss declaring ``task = "regression"`` is refused.
    {extra_parameters}
    class_weight : dict, "balanced" or None, default=None
        Weights multiplying the sample weights of each class.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (for multilabel targets, ``arange(n_labels)``).
    {attributes}

    See Also
    --------
    MLPRegressor : The same network and training for real targets.
    sklearn.neural_network.MLPClassifier : The MLP of scikit-learn (fixed pairings).

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
    >>> mlp = MLPClassifier((16,), activation="tanh", loss="squared_hinge",
    ...                     solver="lbfgs", random_state=0)
    >>> clf = make_pipeline(StandardScaler(), mlp).fit(X, y)
    >>> clf.predict(X[:3]).tolist(), clf.score(X, y)
    ([0, 0, 0], 1.0)
    """

    _parameter_constraints: dict = {
        **BaseDenseEstimator._parameter_constraints,
        # Losses declare their family (``task``); undeclared plugins fit both.
        "loss": [PluginConstraint(LOSSES, task="classification")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _score_function = staticmethod(accuracy_score)
    # One output per binary label (set by each fit; False in older pickles,
    # whose binary labels have two-class groups).
    _single_output = False

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=1e-3,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        loss="log",
        output_activation="identity",
        initializer="glorot_uniform",
        dtype=None,
        callbacks=None,
        class_weight=None,
    ):
        _store_arguments(self, locals())

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

    def _stratify(self, Y):
        """scikit-learn stratifies the validation split of binary targets only
        (by the positive-class indicator); the same draws follow."""
        if self._multilabel or self.classes_.size != 2:
            return None
        return Y == 1 if self._single_output else Y[:, 1:] == 1

    def _out_activation_name(self):
        """Name the function reading the output as scikit-learn does: the output
        activation unless it is the identity, else the loss's ``out_activation``
        (``"logistic"`` for one output per binary label), else ``"softmax"``."""
        if isinstance(self.output_activation, str) and (
            self.output_activation != "identity"
        ):
            return self.output_activation
        if self.output_activation == "identity":
            return getattr(self.loss_function_, "out_activation", "softmax")
        return type(self.network_.activations[-1]).__name__.lower()

    # ----------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    # -------------------------------------------------------------- fitting
    @fit_transaction
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X``, ``y`` (epochs of minibatches, or L-BFGS).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label-indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss; ``None`` means equal weights.

        Returns
        -------
        self : MLPClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight)

    @available_if(lambda est: est._check_solver())
    @fit_transaction
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Run one epoch over ``X``, ``y``, keeping the optimizer state.

        Only for stochastic solvers (not ``"lbfgs"``), and not with
        ``early_stopping=True``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array-like of shape (n_classes,), default=None
            All the classes; required on the first call for single-label
            targets, and, when given later, equal to those of the first call.

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
    def logits(self, X):
        r"""The network output :math:`o`, before the loss reads probabilities from it.

        What a ``decision_function`` would return, under another name: with one,
        scikit-learn's tools (``DecisionBoundaryDisplay``, scorers) would use it instead
        of :meth:`predict_proba`, and scikit-learn's ``MLPClassifier`` has none.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_outputs_)
            In the network's dtype. With the default loss: one column per class
            (multiclass, :math:`\operatorname{softmax}(o)` gives the probabilities), or
            one per binary label, the log-odds :math:`\log\frac{p}{1-p}` of
            ``classes_[1]`` (binary) or of each label (multilabel). Other losses on
            binary or multilabel targets: two columns per label, ``2j`` and ``2j + 1``.
        """
        return self._forward(X)

    def predict_proba(self, X):
        """Predict class probabilities: the loss's reading of the output.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or (n_samples, n_labels)
            Probabilities of the classes (softmax by default), or of each label, in
            the network's dtype (float32 for float32 input, as scikit-learn).
        """
        return self._proba_from_output(self._forward(X))

    def _proba_from_output(self, output):
        default = expit if self._single_output else softmax
        read = getattr(self.loss_function_, "predict_proba", default)
        if self._single_output:
            p = read(output)
            return p if self._multilabel else np.hstack([1 - p, p])
        if self._multilabel:
            return read(output.reshape(-1, 2))[:, 1].reshape(output.shape[0], -1)
        return read(output)

    def predict_log_proba(self, X):
        """Return the logarithm of :meth:`predict_proba` (``-inf`` where it is 0).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes) or (n_samples, n_labels)
            The logarithms of the probabilities.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predict class labels (a label-indicator matrix for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels, among ``classes_``, or label indicators.
        """
        return self._predict_from_output(self._forward(X))

    def _predict_from_output(self, output):
        if self._single_output:
            # scikit-learn's rule: probability above one half, per label.
            proba = self._proba_from_output(output)
            if self._multilabel:
                return (proba > 0.5).astype(int)
            return self.classes_[(proba[:, 1] > 0.5).astype(int)]
        if self._multilabel:
            return (output[:, 1::2] > output[:, 0::2]).astype(int)
        return self.classes_[output.argmax(axis=1)]


@document
class MLPRegressor(RegressorMixin, _MultilayerPerceptron):
    r"""Multi-layer perceptron regressor: the same network and training, real targets.

    The network of :class:`MLPClassifier` with ``k`` outputs (one per target) minimises

    .. math::

        \frac{\sum_i w_i\, \ell(y_i, o_i)}{\sum_i w_i}
        + \frac{\alpha}{2 \sum_i w_i} \sum_l \|W_l\|_F^2,

    by default with :math:`\ell(y, o) = \frac{1}{2k}\|o - y\|^2`, half the mean squared
    error, exactly scikit-learn's ``MLPRegressor``. Any registered regression loss
    applies (:mod:`sklearn_mathdl.neural_network.regression_losses`: ``squared_error``,
    ``absolute_error``, ``huber``, ``poisson``, or a plugin); a loss may read its
    prediction from the output through an inverse link (``poisson``: :math:`e^{o}`).
    Early stopping scores the held-out split by :math:`R^2`.

    Parameters
    ----------
    loss : str or loss object, default="squared_error"
        A registered regression loss, or a loss object (first, as in scikit-learn's
        ``MLPRegressor``). A loss declaring ``task = "classification"`` (the losses of
        :mod:`~sklearn_mathdl.neural_network.losses`) is refused.
    {parameters}
    {extra_parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    MLPClassifier : The same network for class labels.
    sklearn.neural_network.MLPRegressor : The MLP regressor of scikit-learn.

    References
    ----------
    Rumelhart, Hinton & Williams, "Learning representations by back-propagating
    errors", Nature 323, 1986.
    Goodfellow, Bengio & Courville, "Deep Learning", MIT Press 2016, ch. 6 and 8.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn_mathdl import MLPRegressor
    >>> X, y = make_friedman1(n_samples=500, random_state=0)
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), solver="lbfgs", max_iter=500, random_state=0)
    >>> reg.fit(X[:400], y[:400]).score(X[400:], y[400:]) > 0.9
    True
    >>> reg.out_activation_
    'identity'
    """

    _parameter_constraints: dict = {
        **BaseDenseEstimator._parameter_constraints,
        "loss": [PluginConstraint(LOSSES, task="regression")],
    }
    _score_function = staticmethod(r2_score)

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=1e-3,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        output_activation="identity",
        initializer="glorot_uniform",
        dtype=None,
        callbacks=None,
    ):
        _store_arguments(self, locals())

    def _encode_targets(self, y, classes, reset, incremental=False, *, loss):
        validate_targets = getattr(loss, "validate_targets", None)
        if validate_targets is not None:
            validate_targets(y)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if not reset and Y.shape[1] != self.network_.layer_sizes[-1]:
            raise ValueError(
                f"y has {Y.shape[1]} target(s) but the network was fitted with "
                f"{self.network_.layer_sizes[-1]}; refit with warm_start=False."
            )
        self._n_targets = Y.shape[1]
        return Y, loss

    def _n_outputs(self):
        return self._n_targets

    def _stratify(self, Y):
        return None

    def _out_activation_name(self):
        """Name of the function mapping the output to predictions: the loss's
        inverse link (``"exp"`` for Poisson) or the output activation."""
        name = getattr(self.loss_function_, "out_activation", None)
        if name not in (None, "identity"):
            return name
        if isinstance(self.output_activation, str):
            return self.output_activation
        return type(self.network_.activations[-1]).__name__.lower()

    @fit_transaction
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X``, ``y`` (epochs of minibatches, or L-BFGS).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss; ``None`` means equal weights.

        Returns
        -------
        self : MLPRegressor
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight)

    @available_if(lambda est: est._check_solver())
    @fit_transaction
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch over ``X``, ``y``, keeping the optimizer state.

        Only for stochastic solvers (not ``"lbfgs"``), and not with
        ``early_stopping=True``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MLPRegressor
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X):
        """Predict targets: the loss's inverse link of the network output.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictions, of shape (n_samples,) for one target.
        """
        return self._predict_from_output(self._forward(X))

    def _predict_from_output(self, output):
        read = getattr(self.loss_function_, "predict", None)
        prediction = read(output) if read is not None else output
        return prediction.ravel() if prediction.shape[1] == 1 else prediction
