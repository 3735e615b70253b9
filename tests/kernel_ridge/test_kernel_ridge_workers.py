"""A kernel registered by name in a script trains in loky workers."""


def test_runtime_kernel_by_name_in_parallel_grid_search(run_python):
    out = run_python(
        """
        import numpy as np
        from sklearn.model_selection import GridSearchCV
        from sklearn_mathdl import RepresenterKernelRegressor
        from sklearn_mathdl.kernel_ridge.kernels import (
            Kernel, scaled_negative_distances,
        )
        from sklearn_mathdl.plugins import register_kernel


        class Cauchy(Kernel):
            def __init__(self, gamma=1.0):
                self.gamma = gamma

            def __call__(self, X, Y=None):
                K = scaled_negative_distances(X, Y, self.gamma)
                K -= 1.0
                return np.reciprocal(-K, out=K)

            def diag(self, X):
                return np.ones(len(X), dtype=np.asarray(X).dtype)


        register_kernel("cauchy")(Cauchy)
        rng = np.random.RandomState(0)
        X = rng.uniform(-1, 1, (200, 3))
        y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2
        search = GridSearchCV(
            RepresenterKernelRegressor(1e-3),
            {"kernel": ["cauchy", "rbf"], "gamma": [0.5, 2.0]},
            cv=3,
            n_jobs=2,
        ).fit(X, y)
        print(search.cv_results_["mean_test_score"].min())
        """
    )
    assert float(out) > 0.9  # every kernel, cauchy included, fitted
