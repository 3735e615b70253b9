"""The target side of the MLPs: checking ``y``, and encoding class labels.

A classifier's labels must be of one kind, numbers or strings, because its
``classes_`` are sorted (as scikit-learn's); a mixture is reported with its
fix, before NumPy's sort would fail with "'<' not supported between
instances". A regressor's targets must be real numbers.
"""

from numbers import Number

import numpy as np
import scipy.sparse as sp
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from sklearn_mathdl.neural_network._objective import value_and_gradient


def _kind(value):
    """``"str"``, ``"number"`` or ``"other"``: the kind of one label."""
    if isinstance(value, str | bytes):
        return "str"
    if isinstance(value, Number) and not isinstance(value, complex):
        return "number"
    return "other"


def checked_labels(labels, name="y"):
    """``labels`` as an array scikit-learn reads as class labels, and their kind.

    Returns
    -------
    labels : ndarray or sparse matrix
        Numbers held in an object array come out as a numeric array (which
        scikit-learn's ``type_of_target`` recognises); anything else as given.
    kind : {"str", "number"}

    Raises
    ------
    ValueError
        If the labels mix strings and numbers, or hold anything else (None,
        tuples, complex numbers): the message shows an example of each kind
        and how to convert them.
    """
    if sp.issparse(labels):
        return labels, "number"
    labels = np.asarray(labels)
    if labels.dtype.kind in "US":
        return labels, "str"
    if labels.dtype.kind in "biuf":
        return labels, "number"
    if labels.dtype.kind != "O":  # complex, datetime, ...
        raise ValueError(
            f"{name} has labels of dtype {labels.dtype}: class labels must be "
            "numbers or strings."
        )
    examples = {}
    for value in labels.ravel():
        examples.setdefault(_kind(value), value)
    examples = {
        kind: value.item() if isinstance(value, np.generic) else value
        for kind, value in examples.items()
    }
    if "other" in examples:
        other = examples["other"]
        raise ValueError(
            f"{name} contains the label {other!r} of type {type(other).__name__}:"
            " class labels must be numbers or strings."
        )
    if len(examples) > 1:
        s, n = examples["str"], examples["number"]
        raise ValueError(
            f"{name} mixes labels of type str (e.g. {s!r}) and of type "
            f"{type(n).__name__} (e.g. {n!r}); class labels must all be of one "
            "type, so that they can be sorted. Convert them to one type, e.g. "
            f"{name} = np.asarray({name}).astype(str)."
        )
    kind = next(iter(examples), "number")
    return (np.array(labels.tolist()) if kind == "number" else labels), kind


def check_same_kind(kind, fitted_kind, name="y"):
    """A ValueError if labels of ``kind`` meet a model fitted on ``fitted_kind``."""
    if kind != fitted_kind:
        raise ValueError(
            f"{name} has labels of type {kind}, but the classifier was fitted on "
            f"labels of type {fitted_kind}: pass labels of the same type as in "
            "the first fit (or refit with warm_start=False)."
        )


def check_real_targets(y, estimator_name):
    """A ValueError naming the first target that is not a real number."""
    if y is None or sp.issparse(y):
        return  # validate_data says what is wrong
    try:
        array = np.asarray(y)
    except ValueError:  # ragged: validate_data says so
        return
    if array.dtype.kind not in "USO":  # numbers (complex: validate_data)
        return
    for value in array.ravel():
        value = value.item() if isinstance(value, np.generic) else value
        try:
            float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"{estimator_name} needs real-valued targets, but y contains "
                f"{value!r} of type {type(value).__name__}. Encode the targets "
                "as numbers (for class labels, use MLPClassifier)."
            ) from None


class TwoClassGroups:
    """A classification loss applied to each two-class group of outputs.

    Binary labels without a single-output form of the loss get two outputs
    each (``2j, 2j + 1`` for label ``j``); the loss is applied to every group
    as to a two-class problem and summed over the groups. Its ``repr`` is the
    loss's, so that errors name the plugin the user chose.
    """

    def __init__(self, loss):
        self.loss = loss

    def value_and_gradient(self, Y, output, sample_weight=None):
        groups = output.shape[1] // 2
        sw = None if sample_weight is None else np.repeat(sample_weight, groups)
        value, grad = value_and_gradient(
            self.loss, Y.reshape(-1, 2), output.reshape(-1, 2), sw
        )
        return value * groups, grad.reshape(output.shape) * groups

    def __repr__(self):
        return repr(self.loss)


class ClassTargets:
    """Mixin of the classifier: class labels encoded for the network outputs.

    A multiclass target of K classes is one-hot on K outputs. Binary and
    multilabel targets get one output per label with the loss's
    :meth:`~sklearn_mathdl.neural_network.losses.Loss.single_output_loss`
    (the default log loss: scikit-learn's logistic outputs), or, for a loss
    without one, a one-hot two-class group of outputs per label.
    """

    def _encode_targets(self, y, classes, reset, incremental=False, *, loss):
        """Encode ``y`` for the outputs; return it with the loss to apply.

        Binary and multilabel targets get one output per label, with the loss's
        :meth:`~sklearn_mathdl.neural_network.losses.Loss.single_output_loss`
        (the default log loss: scikit-learn's logistic outputs), or, for a loss
        without one, a one-hot two-class group per label; multiclass targets
        a one-hot row of K columns.
        """
        y, kind = checked_labels(y)
        if classes is not None:
            classes, classes_kind = checked_labels(classes, "classes")
            check_same_kind(classes_kind, kind, "classes")
        check_classification_targets(y)
        multilabel = type_of_target(y) == "multilabel-indicator"
        if multilabel:
            labels = np.arange(y.shape[1])
        else:
            y = np.ravel(y)
            # Sorted, as searchsorted below and scikit-learn's classes_ require.
            labels = np.unique(y if classes is None else classes)
        if reset:
            self._check_new_labels(y, labels, classes, multilabel)
            self.classes_ = labels
            self._multilabel = multilabel
        else:
            check_same_kind(kind, checked_labels(self.classes_)[1])
            self._check_known_labels(y, labels, classes, multilabel, incremental)
        return self._one_hot(y, loss, multilabel)

    def _check_new_labels(self, y, labels, classes, multilabel):
        if not multilabel and classes is not None:
            unseen = np.setdiff1d(np.unique(y), labels)
            if unseen.size:
                raise ValueError(
                    f"`y` has classes {unseen.tolist()} that are not in "
                    f"`classes` {labels.tolist()}. Pass every class in "
                    "`classes`."
                )
        if labels.size < 1:
            raise ValueError("The target y is empty; fit needs labels.")

    def _check_known_labels(self, y, labels, classes, multilabel, incremental):
        """The labels of a continued fit are those of the fitted model."""
        if multilabel != self._multilabel:
            raise ValueError(
                "The target changed between multilabel and single-label "
                "since the last fit; refit with warm_start=False."
            )
        present = np.unique(y) if not multilabel else labels
        if incremental:
            if classes is not None and not np.array_equal(labels, self.classes_):
                raise ValueError(
                    f"`classes={labels.tolist()}` is not the same as on last "
                    f"call to partial_fit, was: {self.classes_.tolist()}"
                )
            if np.setdiff1d(present, self.classes_).size:
                raise ValueError(
                    "`y` has classes not in `self.classes_`. `self.classes_` "
                    f"has {self.classes_}. 'y' has {present}."
                )
        elif not multilabel and set(present) != set(self.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes "
                f"as in the previous call to fit. Previously got "
                f"{self.classes_}, `y` has {present}"
            )

    def _one_hot(self, y, loss, multilabel):
        n_classes = self.classes_.size
        one_output_form = getattr(loss, "single_output_loss", None)
        binary = multilabel or n_classes == 2
        single = one_output_form() if binary and one_output_form else None
        self._single_output = single is not None
        if single is not None:
            loss = single
            positive = y if multilabel else y == self.classes_[1]
            return np.asarray(positive, dtype=float).reshape(y.shape[0], -1), loss
        if multilabel:
            Y = np.empty((y.shape[0], 2 * n_classes))
            Y[:, 0::2] = 1 - y
            Y[:, 1::2] = y
            return Y, loss
        Y = np.zeros((y.shape[0], n_classes))
        Y[np.arange(y.shape[0]), np.searchsorted(self.classes_, y)] = 1
        return Y, loss

    def _n_outputs(self):
        if self._single_output:
            return self.classes_.size if self._multilabel else 1
        return 2 * self.classes_.size if self._multilabel else self.classes_.size

    def _training_loss(self):
        """The loss of the outputs: per two-class group for multilabel targets."""
        if self._single_output or not self._multilabel:
            return self.loss_function_
        return TwoClassGroups(self.loss_function_)
