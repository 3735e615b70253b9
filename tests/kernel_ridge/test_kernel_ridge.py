"""RepresenterKernelRegressor: the theorem checked, solvers against references."""

import pickle

import numpy as np
import pytest
from sklearn.gaussian_process.kernels import ExpSineSquared
from sklearn.gaussian_process.kernels import Matern as GPMatern
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import RepresenterKernelRegressor
from sklearn_mathdl.kernel_ridge._cholesky import (
    panel_cholesky,
    panel_solve,
    panels_from_dense,
    panels_to_dense_factor,
)
from sklearn_mathdl.kernel_ridge._nystrom import auto_centers
from sklearn_mathdl.kernel_ridge.kernels import RBF, Kernel, Matern, Periodic


def _data(n=120, d=3, seed=0, targets=None):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, d))
    y = np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1]) + 0.5 * X[:, 2] ** 2
    y = y + 0.1 * rng.standard_normal(n)
    if targets:
        y = np.column_stack([y] + [X[:, 0] * (k + 1) for k in range(targets - 1)])
    return X, y


# ------------------------------------------------------------ blocked Cholesky
@pytest.mark.parametrize("n, block", [(1, 4), (7, 7), (10, 3), (23, 4), (40, 16)])
def test_blocked_cholesky_matches_numpy(n, block):
    rng = np.random.default_rng(n)
    M = rng.standard_normal((n, n))
    A = M @ M.T + n * np.eye(n)
    panels = panels_from_dense(A, block)
    addresses = [p.__array_interface__["data"][0] for p in panels]
    assert panel_cholesky(panels) == 0
    # In place: every panel still lives where it was allocated.
    assert [p.__array_interface__["data"][0] for p in panels] == addresses
    U = panels_to_dense_factor(panels)
    np.testing.assert_allclose(U, np.linalg.cholesky(A).T, atol=1e-12 * n)
    Y = rng.standard_normal((n, 3))
    np.testing.assert_allclose(panel_solve(panels, Y), np.linalg.solve(A, Y), 1e-10)
    np.testing.assert_allclose(
        panel_solve(panels, Y[:, 0]), np.linalg.solve(A, Y[:, 0]), 1e-10
    )


def test_blocked_cholesky_reports_indefinite_row():
    A = np.eye(9)
    A[6, 6] = -1.0
    assert panel_cholesky(panels_from_dense(A, 4)) == 7


# ------------------------------------------------------------ the theorem
@pytest.mark.parametrize("weighted", [False, True])
def test_first_order_condition(weighted):
    X, y = _data(300)
    w = np.random.default_rng(1).uniform(0.5, 2, 300) if weighted else np.ones(300)
    alpha = 1e-2
    model = RepresenterKernelRegressor(alpha, gamma=0.5, fit_intercept=False).fit(
        X, y, sample_weight=w if weighted else None
    )
    K = model.kernel_(X)
    p = model.dual_coef_
    # Stationarity of sum_i w_i (y_i - f(x_i))^2 + alpha p^T K p:
    # W (K p - y) + alpha p = 0, i.e. (K + alpha I) p = y for unit weights.
    residual = w * (K @ p - y) + alpha * p
    assert np.abs(residual).max() < 1e-9 * np.abs(y).max()


def test_intercept_is_exact_and_unpenalised():
    X, y = _data(200)
    y = y + 5.0
    alpha = 0.1
    model = RepresenterKernelRegressor(alpha, gamma=0.5, fit_intercept=True).fit(X, y)
    K = model.kernel_(X)
    p, b = model.dual_coef_, model.intercept_
    # Bordered system [[K + aI, 1], [1^T, 0]] [p; b] = [y; 0].
    np.testing.assert_allclose((K + alpha * np.eye(200)) @ p + b, y, atol=1e-9)
    assert abs(p.sum()) < 1e-9
    # Shifting y shifts only the intercept (not so when y is merely centred
    # and the intercept penalised).
    shifted = RepresenterKernelRegressor(alpha, gamma=0.5, fit_intercept=True)
    shifted.fit(X, y + 100.0)
    np.testing.assert_allclose(shifted.dual_coef_, p, atol=1e-8)
    assert shifted.intercept_ == pytest.approx(b + 100.0)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_linear_kernel_is_primal_ridge(fit_intercept):
    X, y = _data(150, d=5)
    w = np.random.default_rng(2).uniform(0.5, 2, 150)
    ours = RepresenterKernelRegressor(0.3, kernel="linear", fit_intercept=fit_intercept)
    ridge = Ridge(alpha=0.3, fit_intercept=fit_intercept)
    for sample_weight in (None, w):
        a = ours.fit(X, y, sample_weight=sample_weight).predict(X)
        b = ridge.fit(X, y, sample_weight=sample_weight).predict(X)
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-8)


@pytest.mark.parametrize(
    "kernel, params",
    [
        ("linear", {}),
        ("poly", {"gamma": 0.5, "degree": 3, "coef0": 1}),
        ("rbf", {"gamma": 0.7}),
        ("laplacian", {"gamma": 0.7}),
        ("sigmoid", {"gamma": 0.2, "coef0": 0.0}),
        ("cosine", {}),
        (GPMatern(length_scale=0.8, nu=1.5), {}),
        (GPMatern(length_scale=0.5, nu=0.7), {}),
    ],
)
def test_matches_sklearn_kernel_ridge(kernel, params):
    X, Y = _data(100, targets=2)
    w = np.random.default_rng(3).uniform(0.5, 2, 100)
    ours = RepresenterKernelRegressor(
        [0.1, 1.0], kernel=kernel, fit_intercept=False, **params
    )
    theirs = KernelRidge(alpha=[0.1, 1.0], kernel=kernel, **params)
    np.testing.assert_allclose(
        ours.fit(X, Y, sample_weight=w).predict(X[:30]),
        theirs.fit(X, Y, sample_weight=w).predict(X[:30]),
        rtol=1e-7,
        atol=1e-9,
    )
    np.testing.assert_allclose(ours.dual_coef_, theirs.dual_coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("nu", [0.5, 1.5, 2.5])
def test_matern_plugin_equals_gaussian_process_matern(nu):
    X, _ = _data(30)
    np.testing.assert_allclose(
        Matern(nu=nu, length_scale=0.7)(X, X[:10]),
        GPMatern(length_scale=0.7, nu=nu)(X, X[:10]),
        atol=1e-12,
    )


def test_periodic_plugin_equals_exp_sine_squared_in_one_dimension():
    x = np.linspace(-3, 3, 25)[:, None]
    np.testing.assert_allclose(
        Periodic(length_scale=0.8, periodicity=1.7)(x),
        ExpSineSquared(length_scale=0.8, periodicity=1.7)(x),
        atol=1e-12,
    )


def test_callable_and_precomputed_kernels_agree_with_named():
    X, y = _data(80)
    ref = RepresenterKernelRegressor(0.1, gamma=0.5).fit(X, y).predict(X[:20])

    def gauss(A, B, scale):
        d = ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)
        return np.exp(-scale * d)

    call = RepresenterKernelRegressor(
        0.1, kernel=gauss, kernel_params={"scale": 0.5}
    ).fit(X, y)
    np.testing.assert_allclose(call.predict(X[:20]), ref, atol=1e-10)
    pre = RepresenterKernelRegressor(0.1, kernel="precomputed")
    pre.fit(RBF(0.5)(X), y)
    np.testing.assert_allclose(pre.predict(RBF(0.5)(X[:20], X)), ref, atol=1e-10)
    obj = RepresenterKernelRegressor(0.1, kernel=RBF(gamma=0.5)).fit(X, y)
    np.testing.assert_allclose(obj.predict(X[:20]), ref, atol=1e-12)


def test_float32_is_preserved():
    X, y = _data(100)
    model = RepresenterKernelRegressor(0.1).fit(X.astype(np.float32), y)
    assert model.dual_coef_.dtype == np.float32
    assert model.predict(X.astype(np.float32)).dtype == np.float32
    ref = RepresenterKernelRegressor(0.1).fit(X, y).predict(X)
    np.testing.assert_allclose(model.predict(X.astype(np.float32)), ref, atol=1e-3)


def test_indefinite_kernel_falls_back_with_warning():
    X, y = _data(80)
    with pytest.warns(UserWarning, match="not positive definite"):
        model = RepresenterKernelRegressor(
            1e-3, kernel="sigmoid", gamma=2.0, coef0=-1.0
        ).fit(X, y)
    theirs = KernelRidge(1e-3, kernel="sigmoid", gamma=2.0, coef0=-1.0)
    with pytest.warns(UserWarning):
        theirs.fit(X, y)
    assert np.all(np.isfinite(model.predict(X)))


# ------------------------------------------------------------ regularisation path
def _brute_force_loo(X, y, alpha, fit_intercept, w):
    errs = []
    for i in range(len(X)):
        keep = np.arange(len(X)) != i
        model = RepresenterKernelRegressor(
            alpha, gamma=0.5, fit_intercept=fit_intercept
        )
        model.fit(X[keep], y[keep], sample_weight=w[keep])
        errs.append(w[i] * (y[i] - model.predict(X[i : i + 1])[0]) ** 2)
    return np.sum(errs) / w.sum()


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_loo_path_matches_brute_force(fit_intercept, weighted):
    X, y = _data(40)
    w = np.random.default_rng(4).uniform(0.5, 2, 40) if weighted else np.ones(40)
    alphas = [1e-3, 1e-1, 1.0]
    model = RepresenterKernelRegressor(
        alphas, gamma=0.5, fit_intercept=fit_intercept, alpha_selection="loo"
    ).fit(X, y, sample_weight=w)
    brute = [_brute_force_loo(X, y, a, fit_intercept, w) for a in alphas]
    np.testing.assert_allclose(model.loo_errors_, brute, rtol=1e-7)
    assert model.alpha_ == alphas[int(np.argmin(brute))]
    # The fitted model is the one of the selected alpha.
    ref = RepresenterKernelRegressor(
        model.alpha_, gamma=0.5, fit_intercept=fit_intercept
    ).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), atol=1e-8)


def test_loo_multi_target_shape():
    X, Y = _data(50, targets=3)
    model = RepresenterKernelRegressor([0.01, 0.1], alpha_selection="loo").fit(X, Y)
    assert model.loo_errors_.shape == (2, 3)
    assert model.predict(X).shape == (50, 3)


# ------------------------------------------------------------ Nyström / FALKON
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_nystrom_with_all_centres_is_exact(fit_intercept):
    X, Y = _data(150, targets=2)
    w = np.random.default_rng(5).uniform(0.5, 2, 150)
    kw = dict(alpha=[1e-2, 1e-1], gamma=0.5, fit_intercept=fit_intercept)
    exact = RepresenterKernelRegressor(**kw).fit(X, Y, sample_weight=w)
    nys = RepresenterKernelRegressor(
        **kw, solver="nystrom-pcg", n_centers=150, tol=1e-12, random_state=0
    ).fit(X, Y, sample_weight=w)
    assert nys.centers_.shape == (150, 3)
    np.testing.assert_allclose(nys.predict(X), exact.predict(X), atol=1e-6)


def test_nystrom_solves_the_restricted_normal_equations():
    X, y = _data(400)
    alpha = 1e-2
    model = RepresenterKernelRegressor(
        alpha,
        gamma=0.5,
        fit_intercept=False,
        solver="nystrom-pcg",
        n_centers=60,
        tol=1e-10,
        random_state=0,
    ).fit(X, y)
    C = model.centers_
    K_nm, K_mm = model.kernel_(X, C), model.kernel_(C, C)
    c = model.dual_coef_
    # (K_nm^T K_nm + alpha K_mm) c = K_nm^T y, up to the preconditioner's jitter.
    lhs = K_nm.T @ (K_nm @ c) + alpha * K_mm @ c
    assert np.linalg.norm(lhs - K_nm.T @ y) < 1e-6 * np.linalg.norm(K_nm.T @ y)
    assert model.n_iter_ < 50


def test_nystrom_stored_and_streamed_columns_agree():
    X, y = _data(500)
    kw = dict(alpha=1e-2, solver="nystrom-pcg", n_centers=50, random_state=0)
    stored = RepresenterKernelRegressor(**kw).fit(X, y)
    streamed = RepresenterKernelRegressor(**kw, memory_limit=1000).fit(X, y)
    np.testing.assert_allclose(stored.predict(X), streamed.predict(X), atol=1e-10)


def test_leverage_centres_and_accuracy():
    X, y = _data(2000)
    rng = np.random.default_rng(9)
    X_test = rng.uniform(-1, 1, (500, 3))
    f_test = (
        np.sin(3 * X_test[:, 0]) * np.cos(2 * X_test[:, 1]) + 0.5 * X_test[:, 2] ** 2
    )
    exact = RepresenterKernelRegressor(1e-2, gamma=0.5).fit(X, y)
    exact_err = np.mean((exact.predict(X_test) - f_test) ** 2)
    for selection in ("uniform", "leverage"):
        nys = RepresenterKernelRegressor(
            1e-2,
            gamma=0.5,
            solver="nystrom-pcg",
            n_centers=600,
            center_selection=selection,
            random_state=0,
        ).fit(X, y)
        assert nys.centers_.shape[0] == 600
        err = np.mean((nys.predict(X_test) - f_test) ** 2)
        assert err < 1.2 * exact_err + 1e-4


def test_auto_centres_grow_as_square_root():
    assert [auto_centers(n) for n in (10, 10_000, 1_000_000)] == [10, 300, 3000]
    X, y = _data(400)
    model = RepresenterKernelRegressor(solver="nystrom-pcg", random_state=0)
    assert model.fit(X, y).centers_.shape == (60, 3)


def test_auto_solver_follows_memory_limit():
    X, y = _data(100)
    assert RepresenterKernelRegressor().fit(X, y).solver_ == "cholesky"
    small = RepresenterKernelRegressor(memory_limit="50KB", random_state=0).fit(X, y)
    assert small.solver_ == "nystrom-pcg"
    assert not hasattr(small, "X_fit_")


# ------------------------------------------------------------ API
def test_pipeline_grid_search_over_kernel_gamma_alpha():
    X, y = _data(120)
    pipe = make_pipeline(StandardScaler(), RepresenterKernelRegressor())
    grid = GridSearchCV(
        pipe,
        [
            {
                "representerkernelregressor__kernel": ["rbf", "laplacian"],
                "representerkernelregressor__gamma": [0.1, 1.0],
                "representerkernelregressor__alpha": [0.01, 1.0],
            },
            {
                "representerkernelregressor__kernel": ["matern"],
                "representerkernelregressor__kernel_params": [
                    {"length_scale": 1.0, "nu": 1.5},
                    {"length_scale": 3.0, "nu": 2.5},
                ],
                "representerkernelregressor__alpha": [0.01, 1.0],
            },
        ],
        cv=3,
        error_score="raise",  # every candidate fits: none is scored NaN
    ).fit(X, y)
    assert grid.best_score_ > 0.5
    assert len(grid.cv_results_["params"]) == 12
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()


class Quadratic(Kernel):
    """A kernel defined in a test module: picklable to joblib's workers."""

    def __call__(self, X, Y=None):
        Y = X if Y is None else Y
        return (1.0 + X @ Y.T) ** 2


def test_kernel_plugins_in_parallel_grid_search():
    X, y = _data(90)
    grid = GridSearchCV(
        RepresenterKernelRegressor(0.1),
        {"kernel": ["matern", "periodic", Quadratic(), RBF(gamma=2.0)]},
        cv=3,
        n_jobs=2,
    ).fit(X, y)
    serial = GridSearchCV(
        RepresenterKernelRegressor(0.1),
        {"kernel": ["matern", "periodic", Quadratic(), RBF(gamma=2.0)]},
        cv=3,
    ).fit(X, y)
    np.testing.assert_allclose(
        grid.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )


@pytest.mark.parametrize("solver", ["cholesky", "nystrom-pcg"])
def test_pickle_round_trip(solver):
    X, y = _data(80)
    model = RepresenterKernelRegressor(
        0.1, kernel="matern", solver=solver, random_state=0
    ).fit(X, y)
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.predict(X), model.predict(X))


def test_predict_in_blocks_matches_one_block():
    X, y = _data(3000)
    model = RepresenterKernelRegressor(0.1, solver="nystrom-pcg", n_centers=2500)
    model.fit(X, y)
    # Blocks of 2 MB: 3000 rows x 2500 float64 columns span many blocks.
    direct = model.kernel_(X, model.centers_) @ model.dual_coef_ + model.intercept_
    np.testing.assert_allclose(model.predict(X), direct, atol=1e-10)
