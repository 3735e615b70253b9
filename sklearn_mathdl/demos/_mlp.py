"""Demo of the MLPs: a Pipeline grid-searched over activation x loss x layers,
then the same architecture against scikit-learn's MLP."""

import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLP
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_mathdl.neural_network import MLPClassifier


def run_demo(figures="mathdl_figures", quick=False, out=print, section=1):
    """Fit, compare and plot; return a dict of the figures reported.

    Prints sections ``section`` and ``section + 1``.
    """
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )

    grid = {
        "mlpclassifier__activation": ["relu", "leaky_relu", "tanh"],
        "mlpclassifier__loss": ["log", "squared_hinge", "cauchy_schwarz"],
        "mlpclassifier__hidden_layer_sizes": [(64,), (128, 64)],
    }
    if quick:
        grid = {k: v[:2] for k, v in grid.items()}
    max_iter = 20 if quick else 200
    pipe = make_pipeline(
        StandardScaler(), MLPClassifier(max_iter=max_iter, random_state=0)
    )
    search = GridSearchCV(pipe, grid, cv=3)
    start = time.perf_counter()
    search.fit(X_train, y_train)
    search_time = time.perf_counter() - start
    n_configs = len(search.cv_results_["params"])
    out(
        f"{section}. MLPClassifier on handwritten digits (8x8, 10 classes; "
        f"{len(X_train)} train / {len(X_test)} test images). GridSearchCV over "
        f"activation x loss x hidden layers: {n_configs} configurations, 3-fold "
        f"CV, {search_time:.1f} s"
    )
    order = np.argsort(-search.cv_results_["mean_test_score"])
    out("   rank  cv acc  activation   loss            hidden")
    for rank, i in enumerate(order[:5], 1):
        p = search.cv_results_["params"][i]
        out(
            f"   {rank:>4}  {search.cv_results_['mean_test_score'][i]:.3f}   "
            f"{p['mlpclassifier__activation']:<12} {p['mlpclassifier__loss']:<15} "
            f"{p['mlpclassifier__hidden_layer_sizes']}"
        )
    best = search.best_estimator_
    ours_acc = best.score(X_test, y_test)
    out(f"   best pipeline, held-out accuracy: {ours_acc:.3f}\n")
    hidden = best[-1].get_params()["hidden_layer_sizes"]
    data = (X_train, X_test, y_train, y_test)
    timings = _compare_with_sklearn(data, hidden, max_iter, out, section + 1)
    saved = _save_figures(Path(figures), best, search, X_test, y_test, out)
    return {
        "best_params": search.best_params_,
        "test_accuracy": ours_acc,
        "figures": saved,
        "comparison": timings,
    }


def _compare_with_sklearn(data, hidden, max_iter, out, section):
    """Fit ours and scikit-learn's MLP alike; print and return the timings."""
    X_train, X_test, y_train, y_test = data
    contenders = {"sklearn_mathdl": MLPClassifier, "scikit-learn": SklearnMLP}
    timings = {}
    for name, estimator in contenders.items():
        model = make_pipeline(
            StandardScaler(),
            estimator(hidden_layer_sizes=hidden, max_iter=max_iter, random_state=0),
        )
        start = time.perf_counter()
        # Same BLAS threads for both: one, which ours picks at this size anyway.
        with threadpool_limits(1, user_api="blas"):
            model.fit(X_train, y_train)
        timings[name] = (
            time.perf_counter() - start,
            model[-1].n_iter_,
            model.score(X_test, y_test),
        )
    out(
        f"{section}. Same architecture (relu, log loss, adam) against "
        "scikit-learn's MLP, both with 1 BLAS thread:"
    )
    for name, (seconds, n_iter, acc) in timings.items():
        out(
            f"   {name:<15} {seconds:6.2f} s, {n_iter:>3} epochs "
            f"({1000 * seconds / n_iter:5.1f} ms/epoch), held-out accuracy {acc:.3f}"
        )
    out("")
    return timings


def _save_figures(folder, best, search, X_test, y_test, out):
    try:
        import matplotlib

        matplotlib.use("Agg")  # the demo saves figures, it never opens windows
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    clf = best[-1]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    axes[0].plot(np.arange(1, clf.n_iter_ + 1), clf.loss_curve_)
    axes[0].set(
        xlabel="epoch",
        ylabel="training loss",
        yscale="log",
        title=f"Best model: {clf.activation}, {clf.loss} loss",
    )
    scores = search.cv_results_["mean_test_score"]
    labels = [
        f"{p['mlpclassifier__activation']}/{p['mlpclassifier__loss']}/"
        f"{p['mlpclassifier__hidden_layer_sizes']}"
        for p in search.cv_results_["params"]
    ]
    order = np.argsort(scores)
    axes[1].barh(np.array(labels)[order], scores[order])
    axes[1].set(
        xlabel="3-fold CV accuracy",
        title="GridSearchCV",
        xlim=(max(0, scores.min() - 0.05), 1),
    )
    axes[1].tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    path = folder / "demo_mlp.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]
