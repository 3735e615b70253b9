"""The package installs and runs without numba, on the numpy formulas.

numba is the optional ``[fast]`` extra: the core dependencies are numpy, scipy
and scikit-learn. Every compiled kernel keeps its numpy formula as the
fallback; these tests run the package with numba made unimportable, and the
drop-in test module (numbers equal to scikit-learn's) on the numpy path
forced by ``SKLEARN_MATHDL_NUMBA=0``.
"""

from pathlib import Path

from tests.subprocess_pytest import run_pytest

TESTS = Path(__file__).parent


def test_every_estimator_fits_when_numba_cannot_be_imported(run_python):
    out = run_python(
        """
        import sys
        import warnings
        warnings.simplefilter("ignore")  # ConvergenceWarning of short fits
        sys.modules["numba"] = None  # `import numba` now raises ImportError
        import numpy as np
        from sklearn.datasets import load_digits, make_friedman1
        from sklearn_mathdl import (
            KolmogorovArnoldRegressor, LeastSquaresSentiment, MLPClassifier, MLPRegressor,
            RepresenterKernelRegressor, ShallowUniversalApproximator,
        )
        from sklearn_mathdl.utils._numba import numba_available, use_numba

        assert not numba_available()
        X, y = load_digits(return_X_y=True)
        X = X / 16
        for solver, kwargs in [
            ("adam", {}), ("sgd", {"learning_rate_init": 0.1}), ("lbfgs", {})
        ]:
            clf = MLPClassifier(
                (16,), solver=solver, max_iter=60, random_state=0, **kwargs
            )
            assert clf.fit(X, y).score(X, y) > 0.9, solver
        Xr, yr = make_friedman1(400, random_state=0)
        for est in (
            MLPRegressor(hidden_layer_sizes=(16,), max_iter=50, random_state=0),
            RepresenterKernelRegressor(solver="nystrom-pcg", n_centers=50),
            ShallowUniversalApproximator(8, random_state=0),
            KolmogorovArnoldRegressor((3,), n_knots=4, max_iter=20, random_state=0),
        ):
            assert np.isfinite(est.fit(Xr, yr).predict(Xr)).all()
        texts = ["good film", "bad film", "very good", "very bad"]
        sent = LeastSquaresSentiment().fit(texts, [1, -1, 1, -1])
        assert sent.predict(["good"])[0] > 0
        try:
            with use_numba(True):
                pass
        except ImportError as error:
            print(error)
        """
    )
    assert "pip install sklearn_mathdl[fast]" in out


def test_drop_in_numbers_hold_on_the_numpy_path(monkeypatch):
    """The MLPs' numbers equal scikit-learn's with the compiled kernels off."""
    monkeypatch.setenv("SKLEARN_MATHDL_NUMBA", "0")
    run = run_pytest(
        TESTS.parent,
        "tests/neural_network/test_mlp_dropin.py",
        "tests/neural_network/test_mlp_regressor.py",
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
