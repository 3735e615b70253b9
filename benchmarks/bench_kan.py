"""KolmogorovArnoldRegressor against MLPs and a spline GAM at equal parameter counts.

Cases (train and test sets drawn independently, no noise unless stated):

- ``friedman1``: scikit-learn's ``make_friedman1`` (10 features, 5 irrelevant);
- ``toy``: the KAN paper's ``exp(sin(pi x) + y^2)`` on [-1, 1]^2;
- three Feynman formulas of the paper's Table 2 (Liu et al. 2024, §3.3):
  ``I.6.2`` ``exp(-(theta/sigma)^2 / 2) / sqrt(2 pi sigma^2)``,
  ``I.12.11`` ``q (E + B v sin(theta))``, ``I.13.12``
  ``G m1 m2 (1/r2 - 1/r1)`` (with G = 1), on the paper's kind of ranges;
- ``diabetes``: scikit-learn's shipped diabetes table (442 rows, noisy).

Contenders, each with about the KAN's number of parameters: our
``KolmogorovArnoldRegressor`` (L-BFGS, grid extension), our ``MLPRegressor``
and scikit-learn's (tanh, L-BFGS, one hidden layer of the matching width, on
standardised features, gradient tolerance 1e-6 as the KAN's), and
``SplineTransformer + Ridge`` (an additive model: the KAN with Phi = identity,
fitted in closed form; knots matching the parameter count). One line per (case, model): parameters, held-out RMSE and
fit time, medians over ``--repeats`` seeds, all in this process, one BLAS
thread each. Print the load average with the results: the machine is shared.

Usage::

    python benchmarks/bench_kan.py --quick
    python benchmarks/bench_kan.py --cases toy I.6.2 --repeats 5
"""

import argparse
import os
import time
import warnings

import numpy as np
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import RidgeCV
from sklearn.neural_network import MLPRegressor as SklearnMLP
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer, StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_mathdl import KolmogorovArnoldRegressor, MLPRegressor

FEYNMAN = {
    "I.6.2": (
        [(1, 3), (-3, 3)],  # sigma, theta
        lambda s, t: np.exp(-((t / s) ** 2) / 2) / np.sqrt(2 * np.pi * s**2),
    ),
    "I.12.11": (
        [(-1, 1), (-1, 1), (-1, 1), (-1, 1), (0, np.pi)],  # q, E, B, v, theta
        lambda q, E, B, v, t: q * (E + B * v * np.sin(t)),
    ),
    "I.13.12": (
        [(0, 1), (0, 1), (0.5, 2), (0.5, 2)],  # m1, m2, r1, r2
        lambda m1, m2, r1, r2: m1 * m2 * (1 / r2 - 1 / r1),
    ),
}
# (hidden widths, knot schedule, alpha) of the KAN per case.
KAN_SETTINGS = {
    "friedman1": ((5,), (4, 6, 11), 1e-4),
    "toy": ((1,), (6, 11, 21), 0.0),
    "I.6.2": ((3,), (6, 11, 21), 0.0),
    "I.12.11": ((5,), (4, 6, 11), 0.0),
    "I.13.12": ((5,), (4, 6, 11), 0.0),
    "diabetes": ((2,), 4, 1.0),
}


def make_case(name, n_samples, seed):
    """Train and test sets of the case."""
    rng = np.random.RandomState(seed)
    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True)
        order = rng.permutation(len(y))
        half = len(y) * 3 // 4
        return X[order[:half]], y[order[:half]], X[order[half:]], y[order[half:]]
    if name == "friedman1":
        X, y = make_friedman1(2 * n_samples, noise=0.0, random_state=seed)
    elif name == "toy":
        X = rng.uniform(-1, 1, (2 * n_samples, 2))
        y = np.exp(np.sin(np.pi * X[:, 0]) + X[:, 1] ** 2)
    else:
        ranges, formula = FEYNMAN[name]
        X = np.column_stack([rng.uniform(a, b, 2 * n_samples) for a, b in ranges])
        y = formula(*X.T)
    return X[:n_samples], y[:n_samples], X[n_samples:], y[n_samples:]


def kan_parameters(sizes, n_knots, degree=3):
    """Spline coefficients, base weights, spline scales and biases."""
    return sum(a * b * (n_knots - 1 + degree + 2) + b for a, b in zip(sizes, sizes[1:]))


def contenders(name, n_features, seed):
    """The models of a case, each with its parameter count."""
    widths, knots, alpha = KAN_SETTINGS[name]
    last = knots[-1] if isinstance(knots, tuple) else knots
    n_params = kan_parameters([n_features, *widths, 1], last)
    hidden = max(1, round((n_params - 1) / (n_features + 2)))
    n_spline_knots = int(np.clip(n_params // n_features - 2, 3, 200))
    mlp = dict(
        hidden_layer_sizes=(hidden,),
        activation="tanh",
        solver="lbfgs",
        max_iter=2000,
        tol=1e-6,  # the KAN's default: both run L-BFGS to the same tolerance
        random_state=seed,
    )
    return {
        "KAN (ours)": (
            KolmogorovArnoldRegressor(
                widths=widths, n_knots=knots, alpha=alpha, random_state=seed
            ),
            n_params,
        ),
        "MLP (ours)": (
            make_pipeline(StandardScaler(), MLPRegressor(alpha=alpha, **mlp)),
            (n_features + 2) * hidden + 1,
        ),
        "MLP (sklearn)": (
            make_pipeline(StandardScaler(), SklearnMLP(alpha=alpha, **mlp)),
            (n_features + 2) * hidden + 1,
        ),
        "Spline+Ridge": (
            make_pipeline(
                SplineTransformer(n_knots=n_spline_knots),
                RidgeCV(alphas=np.logspace(-8, 2, 11)),
            ),
            n_features * (n_spline_knots + 2) + 1,
        ),
    }


def run_case(name, n_samples, repeats):
    results = {}
    for seed in range(repeats):
        X, y, X_test, y_test = make_case(name, n_samples, seed)
        for model_name, (model, n_params) in contenders(name, X.shape[1], seed).items():
            start = time.perf_counter()
            model.fit(X, y)
            seconds = time.perf_counter() - start
            rmse = float(np.sqrt(np.mean((model.predict(X_test) - y_test) ** 2)))
            results.setdefault(model_name, (n_params, [], []))
            results[model_name][1].append(rmse)
            results[model_name][2].append(seconds)
    kan_rmse = np.median(results["KAN (ours)"][1])
    for model_name, (n_params, rmses, times) in results.items():
        rmse = np.median(rmses)
        print(
            f"{name:<10} {model_name:<14} params {n_params:5d}  test RMSE "
            f"{rmse:.3e}  fit {np.median(times):7.3f} s  RMSE / KAN's "
            f"{rmse / kan_rmse:7.2f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", nargs="*", default=["friedman1", "toy", *FEYNMAN, "diabetes"]
    )
    parser.add_argument("--n-samples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.n_samples, args.repeats = 300, 1
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")
    warnings.simplefilter("ignore", ConvergenceWarning)
    with threadpool_limits(1):
        for name in args.cases:
            run_case(name, args.n_samples, args.repeats)
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at the end")


if __name__ == "__main__":
    main()
