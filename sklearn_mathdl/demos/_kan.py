"""Demo of KolmogorovArnoldRegressor: the KAN paper's toy example, read back."""

import time
from pathlib import Path

import numpy as np


def run_demo(figures="mathdl_figures", quick=False, out=print, section=6):
    """Fit exp(sin(pi x) + y^2) by a [2, 1, 1] KAN and scikit-learn's MLP of
    equal size; report held-out MSE and time, plot the learned functions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.neural_network import MLPRegressor as SklearnMLP

    from sklearn_mathdl import KolmogorovArnoldRegressor

    rng = np.random.RandomState(0)
    n = 500 if quick else 1000
    X, X_test = rng.uniform(-1, 1, (n, 2)), rng.uniform(-1, 1, (n, 2))
    f = lambda X: np.exp(np.sin(np.pi * X[:, 0]) + X[:, 1] ** 2)  # noqa: E731
    out(
        f"{section}. KolmogorovArnoldRegressor: exp(sin(pi x) + y^2), the KAN "
        f"paper's toy example, {n} train / {n} test points"
    )
    kan = KolmogorovArnoldRegressor(
        widths=(1,), n_knots=(6, 11, 21), alpha=0.0, random_state=0
    )
    mlp = SklearnMLP(
        hidden_layer_sizes=(19,),
        solver="lbfgs",
        max_iter=300,
        activation="tanh",
        random_state=0,
    )
    results = {}
    for name, model in (
        ("KAN [2, 1, 1], 77 params", kan),
        ("scikit-learn MLP, 77 params", mlp),
    ):
        start = time.perf_counter()
        model.fit(X, f(X))
        seconds = time.perf_counter() - start
        mse = float(np.mean((model.predict(X_test) - f(X_test)) ** 2))
        results[name] = {"test_mse": mse, "seconds": seconds}
        out(f"   {name:<28} held-out MSE {mse:.2e} in {seconds:6.3f} s")
    (inputs, inner), _ = kan.univariate_functions()
    fig, axes = plt.subplots(1, 2, figsize=(8, 3))
    for ax, p, truth, title in (
        (axes[0], 0, np.sin(np.pi * inputs[:, 0]), "phi(x) vs sin(pi x)"),
        (axes[1], 1, inputs[:, 1] ** 2, "phi(y) vs y^2"),
    ):
        scale, shift = np.polyfit(truth, inner[:, p, 0], 1)
        ax.plot(inputs[:, p], inner[:, p, 0], lw=3, alpha=0.6, label="learned")
        ax.plot(inputs[:, p], scale * truth + shift, "k--", label="truth")
        ax.set_title(title)
        ax.legend()
    fig.tight_layout()
    fig.savefig(Path(figures) / "demo_kan.png", dpi=80)
    plt.close(fig)
    return results
