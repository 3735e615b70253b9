"""
Thresholds on the ROC curve: trading one error for the other
============================================================

An MLPClassifier's probability p(x) is a fuzzy truth value of "x is
malignant"; a decision needs a threshold t, predicting malignant when
p(x) >= t. Moving t moves the classifier along its ROC curve: a lower t
catches more malignant tumours (true positive rate up) at the price of more
false alarms (false positive rate up).

With a stated cost, a missed malignant tumour (false negative) costing 10 and a
false alarm 1, the best threshold is no longer 0.5. Bayes' rule with
calibrated probabilities puts it at 1 / (1 + 10) ≈ 0.09; scikit-learn's
TunedThresholdClassifierCV finds it by cross-validation on the training half.
Left: the ROC curve on the held-out half with the operating points of several
thresholds; right: the confusion matrices at those thresholds, with the cost
of each; the held-out cost at 0.5 and at the tuned threshold are printed.
"""

import os
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    RocCurveDisplay,
    confusion_matrix,
    make_scorer,
)
from sklearn.model_selection import (
    StratifiedKFold,
    TunedThresholdClassifierCV,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import MLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
quick = os.environ.get("MATHDL_QUICK") == "1"
figures = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
figures.mkdir(parents=True, exist_ok=True)


def cost(y_true, y_pred):
    """Mean cost per patient: 10 per false negative, 1 per false positive."""
    _, fp, fn, _ = confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
    return (10 * fn + fp) / len(y_true)


X, y = load_breast_cancer(return_X_y=True)
y = 1 - y  # scikit-learn codes malignant as 0: make it the positive class 1
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, random_state=2, stratify=y
)
model = make_pipeline(
    StandardScaler(),
    MLPClassifier((16,), solver="lbfgs", alpha=1.0, max_iter=200, random_state=0),
)
model.fit(X_train, y_train)
tuned = TunedThresholdClassifierCV(
    model,
    scoring=make_scorer(cost, greater_is_better=False),
    cv=StratifiedKFold(3 if quick else 5, shuffle=True, random_state=0),
).fit(X_train, y_train)

proba = model.predict_proba(X_test)[:, 1]
thresholds = [0.9, 0.5, round(float(tuned.best_threshold_), 3), 0.01]
fig = plt.figure(figsize=(12, 6.5))
grid = fig.add_gridspec(2, 3, width_ratios=[2, 1, 1])
roc_ax = fig.add_subplot(grid[:, 0])
RocCurveDisplay.from_predictions(y_test, proba, ax=roc_ax, name="MLP, held out")
for i, t in enumerate(thresholds):
    pred = (proba >= t).astype(int)
    tn, fp, fn, tp = confusion_matrix(y_test, pred, labels=[0, 1]).ravel()
    roc_ax.plot(fp / (fp + tn), tp / (tp + fn), "o", color=f"C{i + 1}", label=f"t={t}")
    ax = fig.add_subplot(grid[i // 2, 1 + i % 2])
    ConfusionMatrixDisplay.from_predictions(
        y_test, pred, display_labels=["benign", "malignant"], ax=ax, colorbar=False
    )
    ax.set_title(f"t = {t}: cost {cost(y_test, pred):.3f}", color=f"C{i + 1}")
    print(f"threshold {t:5}: FN {fn:3d}, FP {fp:3d}, cost {cost(y_test, pred):.3f}")
roc_ax.legend(fontsize=8, loc="lower right")
roc_ax.set_xlim(-0.01, 0.4)
roc_ax.set_ylim(0.6, 1.01)
roc_ax.set_title("ROC curve (zoomed) and operating points")
at_half = cost(y_test, model.predict(X_test))
at_tuned = cost(y_test, tuned.predict(X_test))
print(
    f"held-out cost per patient: {at_half:.3f} at t = 0.5, {at_tuned:.3f} at the "
    f"tuned t = {tuned.best_threshold_:.3f} ({100 * (1 - at_tuned / at_half):.0f}% "
    "lower); Bayes' threshold for calibrated probabilities: 1/11 = 0.091"
)
fig.tight_layout()
fig.savefig(figures / "roc_thresholds.png", dpi=100)
print(f"saved {figures / 'roc_thresholds.png'}")
