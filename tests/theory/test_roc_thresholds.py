"""Moving the decision threshold along the ROC curve lowers a stated cost.

Breast cancer (malignant = positive class 1): a missed malignant tumour (false
negative) costs 10, a false alarm (false positive) costs 1. An MLP's
probabilities thresholded at 0.5 against the threshold that
TunedThresholdClassifierCV picks by cross-validation on the training half,
both scored on the held-out half.
"""

import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import confusion_matrix, make_scorer
from sklearn.model_selection import (
    StratifiedKFold,
    TunedThresholdClassifierCV,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import MLPClassifier


def cost(y_true, y_pred):
    """Mean cost per patient: 10 per false negative, 1 per false positive."""
    _, fp, fn, _ = confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
    return (10 * fn + fp) / len(y_true)


def test_tuned_threshold_lowers_the_held_out_cost():
    X, y = load_breast_cancer(return_X_y=True)
    y = 1 - y  # scikit-learn codes malignant as 0; make it the positive class
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, random_state=2, stratify=y
    )
    model = make_pipeline(
        StandardScaler(),
        MLPClassifier((16,), solver="lbfgs", alpha=1.0, max_iter=200, random_state=0),
    )
    tuned = TunedThresholdClassifierCV(
        model,
        scoring=make_scorer(cost, greater_is_better=False),
        cv=StratifiedKFold(4, shuffle=True, random_state=0),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
        tuned.fit(X_train, y_train)
    at_half = cost(y_test, model.predict(X_test))
    at_tuned = cost(y_test, tuned.predict(X_test))
    # Held out: 0.186 per patient at 0.5 (5 missed, 3 false alarms), 0.123 at
    # the tuned threshold 0.040 (2 missed, 15 false alarms), 34% lower. The cost
    # puts the threshold well below 0.5: a missed tumour is dearer.
    assert tuned.best_threshold_ < 0.3
    assert at_tuned < 0.8 * at_half
    # predict at 0.5 is the probability thresholded at 0.5
    proba = model.predict_proba(X_test)[:, 1]
    np.testing.assert_array_equal(model.predict(X_test), (proba > 0.5).astype(int))
