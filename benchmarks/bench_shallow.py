"""ShallowUniversalApproximator against scikit-learn, side by side in one process.

For n in {8, 16, 32, 64, 128} hidden units on three problems, 5,000 training and
5,000 test points each,

(a) ``sin(3 pi x)`` on [-1, 1],
(b) ``exp(-|x|^2 / 2)`` on [-1, 1]^5 (Barron constant C_f = gaussian_barron_constant(5)),
(c) scikit-learn's ``make_friedman1`` (10 features, 5 of them irrelevant, no noise),

each of our methods (random features, orthogonal greedy with sigmoid and ReLU
units, backpropagation) is timed against ``sklearn.neural_network.MLPRegressor(
hidden_layer_sizes=(n,), solver="lbfgs")`` and ``RBFSampler(n_components=n) +
Ridge`` (after a StandardScaler). One line per (case, n, method): held-out MSE
and fit time (medians over ``--repeats`` seeds), and their ratios to
scikit-learn's MLP. A summary line per (case, n) names our fastest method whose
test MSE is no worse than the MLP's, and whether it took at most a third of the
MLP's time (the target). Last, per case, the fitted log-log slope of the greedy
methods' test MSE against n, next to the slope the theory guarantees:

- sigmoid dictionary, Barron class: squared error O(1/n), slope -1
  (Barron 1993; Jones 1992; Siegel & Xu 2021 for the orthogonal greedy);
- ReLU dictionary (k = 1) in dimension d: squared error O(n^{-1 - 3/d})
  (Siegel & Xu 2021, Theorem 1), slope -1 - 3/d.

The theorems bound the error from above: a measured slope at least as steep as
the stated one agrees with them.

Every fit runs with one BLAS thread (both sides): the machine is shared, and
the products of a 5,000 x d x n network are too small to gain from threads.

Usage::

    python benchmarks/bench_shallow.py --quick          # a few seconds
    python benchmarks/bench_shallow.py --cases gauss5   # one problem
    flock /tmp/mathdl_bench.lock python benchmarks/bench_shallow.py
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.kernel_approximation import RBFSampler
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_mathdl import ShallowUniversalApproximator


def make_case(name, n_samples, seed):
    rng = np.random.RandomState(seed)
    if name == "sin":
        X = rng.uniform(-1, 1, (n_samples, 1))
        return X, np.sin(3 * np.pi * X[:, 0])
    if name == "gauss5":
        X = rng.uniform(-1, 1, (n_samples, 5))
        return X, np.exp(-0.5 * (X**2).sum(axis=1))
    return make_friedman1(n_samples, random_state=rng)


CASES = ("sin", "gauss5", "friedman1")

OURS = {
    "ours random": dict(method="random"),
    "ours greedy": dict(method="greedy"),
    "ours greedy relu": dict(method="greedy", activation="relu"),
    "ours backprop": dict(method="backprop"),
}


def contenders(n, seed):
    models = {
        name: ShallowUniversalApproximator(n, random_state=seed, **params)
        for name, params in OURS.items()
    }
    models["sklearn MLP"] = MLPRegressor(
        hidden_layer_sizes=(n,), solver="lbfgs", random_state=seed
    )
    models["RBFSampler+Ridge"] = make_pipeline(
        StandardScaler(), RBFSampler(n_components=n, random_state=seed), Ridge()
    )
    return models


def measure(model, X, y, X_test, y_test):
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    return float(np.mean((model.predict(X_test) - y_test) ** 2)), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument(
        "--cases",
        nargs="+",
        choices=CASES,
        default=list(CASES),
        help="problems to run (default: all)",
    )
    args = parser.parse_args(argv)
    sizes = (8, 16, 32) if args.quick else (8, 16, 32, 64, 128)
    n_samples = 1000 if args.quick else 5000
    repeats = args.repeats or (1 if args.quick else 3)
    warnings.simplefilter("ignore", ConvergenceWarning)
    print(
        f"{n_samples} train / {n_samples} test points, medians of {repeats} "
        "seeds, one BLAS thread"
    )
    header = (
        f"{'case':<8} {'n':>4} {'method':<17} {'test MSE':>10} {'fit s':>8} "
        f"{'MSE / MLP':>10} {'time / MLP':>10}"
    )
    slopes = {}
    with threadpool_limits(1):
        for case in args.cases:
            X, y = make_case(case, n_samples, 0)
            X_test, y_test = make_case(case, n_samples, 1)
            print(header)
            for n in sizes:
                runs = {}
                for seed in range(repeats):
                    for name, model in contenders(n, seed).items():
                        runs.setdefault(name, []).append(
                            measure(model, X, y, X_test, y_test)
                        )
                med = {k: np.median(np.array(v), axis=0) for k, v in runs.items()}
                mlp_mse, mlp_time = med["sklearn MLP"]
                for name, (mse, seconds) in med.items():
                    print(
                        f"{case:<8} {n:>4} {name:<17} {mse:>10.3e} {seconds:>8.3f} "
                        f"{mse / mlp_mse:>10.3g} {seconds / mlp_time:>10.3g}"
                    )
                    slopes.setdefault((case, name), []).append((n, mse))
                good = [
                    (seconds, name)
                    for name, (mse, seconds) in med.items()
                    if name.startswith("ours") and mse <= mlp_mse
                ]
                if good:
                    seconds, name = min(good)
                    verdict = "met" if seconds <= mlp_time / 3 else "missed"
                    print(
                        f"{case:<8} {n:>4} best: {name} MSE <= MLP's in "
                        f"{seconds / mlp_time:.3g} x its time: target {verdict}"
                    )
                else:
                    print(f"{case:<8} {n:>4} best: none of ours reached MLP's MSE")
    print("\nlog-log slope of test MSE against n (least squares over the sizes run):")
    dims = {"sin": 1, "gauss5": 5, "friedman1": 10}
    for case, d in dims.items():
        if case not in args.cases:
            continue
        for name, theory in (
            ("ours greedy", -1.0),
            ("ours greedy relu", -1.0 - 3.0 / d),
        ):
            n, mse = np.array(slopes[(case, name)]).T
            slope = np.polyfit(np.log(n), np.log(mse), 1)[0]
            print(
                f"{case:<9} {name:<17} measured {slope:6.2f}   theory "
                f"<= {theory:.2f} (squared error O(n^{theory:.2f}))"
            )


if __name__ == "__main__":
    main()
