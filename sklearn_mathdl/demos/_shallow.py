"""Demo of ShallowUniversalApproximator: three fits, the greedy rate, the sawtooth."""

import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning


def run_demo(figures="mathdl_figures", quick=False, out=print, section=4):
    """Fit sin(3 pi x) three ways against scikit-learn's MLP; report, plot, return."""
    from sklearn.neural_network import MLPRegressor as SklearnMLP

    from sklearn_mathdl.neural_network import ShallowUniversalApproximator
    from sklearn_mathdl.theory import count_linear_regions, telgarsky_sawtooth

    warnings.simplefilter("ignore", ConvergenceWarning)
    rng = np.random.RandomState(0)
    n_samples, n = (1000, 16) if quick else (5000, 32)
    X = rng.uniform(-1, 1, (n_samples, 1))
    y = np.sin(3 * np.pi * X[:, 0])
    X_test = rng.uniform(-1, 1, (n_samples, 1))
    y_test = np.sin(3 * np.pi * X_test[:, 0])
    out(
        f"{section}. ShallowUniversalApproximator: sin(3 pi x) on [-1, 1] with {n} "
        f"sigmoid neurons, {n_samples} train / {n_samples} test points"
    )
    contenders = {
        f"ours {method}": ShallowUniversalApproximator(n, method=method, random_state=0)
        for method in ("random", "greedy", "backprop")
    }
    contenders["scikit-learn MLP"] = SklearnMLP(
        hidden_layer_sizes=(n,), solver="lbfgs", random_state=0
    )
    results = {}
    for name, model in contenders.items():
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
        mse = float(np.mean((model.predict(X_test) - y_test) ** 2))
        results[name] = {"test_mse": mse, "seconds": seconds}
        out(f"   {name:<17} held-out MSE {mse:.2e} in {seconds:6.3f} s")

    greedy = contenders["ours greedy"]
    curve = ShallowUniversalApproximator(n, method="greedy", random_state=0).fit(
        X, y, X_val=X_test, y_val=y_test
    )
    val = curve.approximation_curve_["validation_mse"]
    sizes = curve.approximation_curve_["n_neurons"]
    tail = sizes >= 4
    slope = float(np.polyfit(np.log(sizes[tail]), np.log(val[tail]), 1)[0])
    out(
        f"   greedy, one fit: validation MSE {val[0]:.2e} (1 neuron) -> "
        f"{val[-1]:.2e} ({sizes[-1]} neurons), log-log slope {slope:.2f} "
        "(theory: at most -1)"
    )
    k = 4 if quick else 6
    pieces = count_linear_regions(telgarsky_sawtooth(k), 0.0, 1.0)
    out(
        f"   Telgarsky: a depth-{2 * k} ReLU net of {3 * k} units has {pieces} "
        f"linear pieces; one hidden layer needs >= {2**k - 1} ReLUs for as many"
    )

    saved = _save_figure(Path(figures), X_test, y_test, greedy, curve, out)
    return {
        "n_neurons": n,
        "comparison": results,
        "greedy_slope": slope,
        "sawtooth_pieces": pieces,
        "figures": saved,
    }


def _save_figure(folder, X_test, y_test, greedy, curve, out):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        out("   figure skipped: matplotlib is not installed")
        return []
    folder.mkdir(parents=True, exist_ok=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    grid = np.linspace(-1, 1, 400)[:, None]
    left.plot(grid, np.sin(3 * np.pi * grid[:, 0]), "k--", label="sin(3πx)")
    left.plot(grid, greedy.predict(grid), "C3", label=f"greedy, n={greedy.n_neurons_}")
    left.set(xlabel="x", title="One hidden layer, greedy fit")
    left.legend()
    c = curve.approximation_curve_
    right.loglog(c["n_neurons"], c["train_mse"], label="training")
    right.loglog(c["n_neurons"], c["validation_mse"], label="validation")
    right.set(xlabel="neurons", ylabel="MSE", title="Error after each greedy step")
    right.legend()
    fig.tight_layout()
    path = folder / "demo_shallow.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    out(f"   figure saved: {path}")
    return [path]
